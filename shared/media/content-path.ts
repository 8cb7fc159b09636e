/** Where a file's content is served: the path every content URL, signed or public, starts from. */
export const contentPath = (fileId: string) => `/v1/files/${encodeURIComponent(fileId)}/content`;
