import xxhash from 'xxhash-wasm';

/**
 * The 64-bit hash every allocator decision is built on: xxHash64 with seed 0, the function upstream uses
 * (cespare/xxhash). xxhash-wasm must be initialised asynchronously, so the process loads it once at start-up
 * with {@link loadHasher} and hands the instance to the pure code.
 */
export interface Hasher {
  /** xxHash64 of the UTF-8 bytes of `input` */
  h64(input: string): bigint;
  /** xxHash64 of raw bytes */
  h64Raw(input: Uint8Array): bigint;
}

let loaded: Promise<Hasher> | undefined;

/** Loads the WebAssembly xxHash implementation once per process. */
export function loadHasher(): Promise<Hasher> {
  if (!loaded) {
    loaded = xxhash().then((api) => ({
      h64: (input: string) => api.h64(input),
      h64Raw: (input: Uint8Array) => api.h64Raw(input),
    }));
  }
  return loaded;
}
