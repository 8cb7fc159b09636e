export function sha256Wat(): string;
export function sha256Wasm(): Promise<Buffer>;
export const sha256WasmPath: string;
export const INPUT_OFFSET: number;
export const INPUT_BYTES: number;
