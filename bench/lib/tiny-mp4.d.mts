export function concat(...parts: Uint8Array[]): Uint8Array;
export function tinyMp4(payloadBytes?: number): Uint8Array;
