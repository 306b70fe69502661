/**
 * Reads just enough of an ELF, PE or Mach-O file to check a standalone executable we cannot run
 * here: its format and machine, its entry point (inside an executable part of the image), and
 * the single executable application's blob where Node looks for it: the `NODE_SEA_BLOB` note
 * (ELF), resource (PE) or `NODE_SEA,__NODE_SEA_BLOB` section (Mach-O).
 */

export interface ExecutableInfo {
  readonly format: "ELF" | "PE" | "Mach-O";
  readonly machine: "x64" | "arm64" | "other";
  /** File offset of the entry point; it lies inside an executable segment or section. */
  readonly entryOffset: number;
  /** The injected blob, or undefined when the file has none. */
  readonly seaBlob: Buffer | undefined;
  /** Whether a code signature is still in the file (Mach-O LC_CODE_SIGNATURE, PE certificates). */
  readonly signed: boolean;
}

const SEA_NAME = "NODE_SEA_BLOB";

export function readExecutable(image: Buffer): ExecutableInfo {
  if (image.readUInt32BE(0) === 0x7f454c46) return readElf(image);
  if (image.toString("latin1", 0, 2) === "MZ") return readPe(image);
  if (image.readUInt32LE(0) === 0xfeedfacf) return readMachO(image);
  throw new Error("not an ELF, PE or 64-bit Mach-O file");
}

function readElf(image: Buffer): ExecutableInfo {
  if (image[4] !== 2 || image[5] !== 1) throw new Error("ELF: not 64-bit little-endian");
  const machineCode = image.readUInt16LE(18);
  const entry = image.readBigUInt64LE(24);
  const phoff = Number(image.readBigUInt64LE(32));
  const phentsize = image.readUInt16LE(54);
  const phnum = image.readUInt16LE(56);
  let entryOffset = -1;
  let seaBlob: Buffer | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const type = image.readUInt32LE(at);
    const flags = image.readUInt32LE(at + 4);
    const offset = Number(image.readBigUInt64LE(at + 8));
    const vaddr = image.readBigUInt64LE(at + 16);
    const filesz = image.readBigUInt64LE(at + 32);
    const PT_LOAD = 1;
    const PT_NOTE = 4;
    const PF_X = 1;
    if (type === PT_LOAD && flags & PF_X && entry >= vaddr && entry < vaddr + filesz) {
      entryOffset = offset + Number(entry - vaddr);
    }
    if (type === PT_NOTE) seaBlob ??= elfNote(image, offset, Number(filesz));
  }
  return {
    format: "ELF",
    machine: machineCode === 0x3e ? "x64" : machineCode === 0xb7 ? "arm64" : "other",
    entryOffset,
    seaBlob,
    signed: false,
  };
}

function elfNote(image: Buffer, start: number, size: number): Buffer | undefined {
  const align4 = (n: number) => (n + 3) & ~3;
  let at = start;
  while (at + 12 <= start + size) {
    const namesz = image.readUInt32LE(at);
    const descsz = image.readUInt32LE(at + 4);
    const name = image.toString("latin1", at + 12, at + 12 + namesz).replace(/\0+$/, "");
    const desc = at + 12 + align4(namesz);
    if (name === SEA_NAME) return image.subarray(desc, desc + descsz);
    at = desc + align4(descsz);
  }
  return undefined;
}

function readPe(image: Buffer): ExecutableInfo {
  const pe = image.readUInt32LE(0x3c);
  if (image.toString("latin1", pe, pe + 4) !== "PE\0\0") throw new Error("PE: no signature");
  const machineCode = image.readUInt16LE(pe + 4);
  const sectionCount = image.readUInt16LE(pe + 6);
  const optionalSize = image.readUInt16LE(pe + 20);
  const optional = pe + 24;
  if (image.readUInt16LE(optional) !== 0x20b) throw new Error("PE: not PE32+");
  const entryRva = image.readUInt32LE(optional + 16);
  const directory = (index: number) => ({
    address: image.readUInt32LE(optional + 112 + index * 8),
    size: image.readUInt32LE(optional + 112 + index * 8 + 4),
  });
  const sections = Array.from({ length: sectionCount }, (_, i) => {
    const at = optional + optionalSize + i * 40;
    return {
      virtualSize: image.readUInt32LE(at + 8),
      rva: image.readUInt32LE(at + 12),
      rawOffset: image.readUInt32LE(at + 20),
      characteristics: image.readUInt32LE(at + 36),
    };
  });
  const toOffset = (rva: number) => {
    const section = sections.find((s) => rva >= s.rva && rva < s.rva + s.virtualSize);
    if (section === undefined) throw new Error(`PE: RVA 0x${rva.toString(16)} is in no section`);
    return { offset: section.rawOffset + rva - section.rva, section };
  };
  const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
  const entry = toOffset(entryRva);
  const entryOffset = entry.section.characteristics & IMAGE_SCN_MEM_EXECUTE ? entry.offset : -1;
  const resources = directory(2);
  const root = resources.address === 0 ? -1 : toOffset(resources.address).offset;
  return {
    format: "PE",
    machine: machineCode === 0x8664 ? "x64" : machineCode === 0xaa64 ? "arm64" : "other",
    entryOffset,
    seaBlob: root < 0 ? undefined : peResource(image, root, toOffset),
    signed: directory(4).size > 0,
  };
}

/** The RT_RCDATA resource named NODE_SEA_BLOB (type → name → language → data entry). */
function peResource(
  image: Buffer,
  root: number,
  toOffset: (rva: number) => { offset: number },
): Buffer | undefined {
  const entries = (dir: number) => {
    const count = image.readUInt16LE(dir + 12) + image.readUInt16LE(dir + 14);
    return Array.from({ length: count }, (_, i) => {
      const at = dir + 16 + i * 8;
      const name = image.readUInt32LE(at);
      const target = image.readUInt32LE(at + 4);
      let label: string | number = name;
      if (name & 0x80000000) {
        const text = root + (name & 0x7fffffff);
        label = image.toString("utf16le", text + 2, text + 2 + image.readUInt16LE(text) * 2);
      }
      return { label, subdirectory: (target & 0x80000000) !== 0, at: root + (target & 0x7fffffff) };
    });
  };
  const RT_RCDATA = 10;
  const type = entries(root).find((e) => e.label === RT_RCDATA && e.subdirectory);
  const named = type && entries(type.at).find((e) => e.label === SEA_NAME && e.subdirectory);
  const language = named && entries(named.at).find((e) => !e.subdirectory);
  if (language === undefined) return undefined;
  const { offset } = toOffset(image.readUInt32LE(language.at));
  return image.subarray(offset, offset + image.readUInt32LE(language.at + 4));
}

function readMachO(image: Buffer): ExecutableInfo {
  const cpu = image.readUInt32LE(4);
  const MH_EXECUTE = 2;
  if (image.readUInt32LE(12) !== MH_EXECUTE) throw new Error("Mach-O: not an executable");
  const commandCount = image.readUInt32LE(16);
  const LC_SEGMENT_64 = 0x19;
  const LC_MAIN = 0x80000028;
  const LC_CODE_SIGNATURE = 0x1d;
  const VM_PROT_EXECUTE = 4;
  let entryoff = -1;
  let signed = false;
  let seaBlob: Buffer | undefined;
  const executable: { fileoff: number; filesize: number }[] = [];
  let at = 32;
  for (let i = 0; i < commandCount; i++) {
    const command = image.readUInt32LE(at);
    if (command === LC_SEGMENT_64) {
      const segment = image.toString("latin1", at + 8, at + 24).replace(/\0+$/, "");
      const fileoff = Number(image.readBigUInt64LE(at + 40));
      const filesize = Number(image.readBigUInt64LE(at + 48));
      if (image.readUInt32LE(at + 60) & VM_PROT_EXECUTE) executable.push({ fileoff, filesize });
      const sectionCount = image.readUInt32LE(at + 64);
      for (let s = 0; s < sectionCount; s++) {
        const section = at + 72 + s * 80;
        const name = image.toString("latin1", section, section + 16).replace(/\0+$/, "");
        if (segment === "NODE_SEA" && name === `__${SEA_NAME}`) {
          const size = Number(image.readBigUInt64LE(section + 40));
          const offset = image.readUInt32LE(section + 48);
          seaBlob = image.subarray(offset, offset + size);
        }
      }
    } else if (command === LC_MAIN) {
      entryoff = Number(image.readBigUInt64LE(at + 8));
    } else if (command === LC_CODE_SIGNATURE) {
      signed = true;
    }
    at += image.readUInt32LE(at + 4);
  }
  const inside = executable.some((s) => entryoff >= s.fileoff && entryoff < s.fileoff + s.filesize);
  return {
    format: "Mach-O",
    machine: cpu === 0x01000007 ? "x64" : cpu === 0x0100000c ? "arm64" : "other",
    entryOffset: entryoff > 0 && inside ? entryoff : -1,
    seaBlob,
    signed,
  };
}

/** The SEA blob's header and main script (format of Node's src/node_sea.cc). */
export function readSeaBlob(blob: Buffer): { flags: number; main: string } {
  const MAGIC = 0x0143da20;
  if (blob.readUInt32LE(0) !== MAGIC) throw new Error("SEA blob: bad magic");
  // The main script follows its u64 length; it is a bundle, which starts with "use strict".
  const start = blob.indexOf('"use strict";');
  if (start < 8) throw new Error("SEA blob: no main script");
  const length = Number(blob.readBigUInt64LE(start - 8));
  return { flags: blob.readUInt32LE(4), main: blob.toString("utf8", start, start + length) };
}

/**
 * The asset `key` of a SEA blob, or undefined: Node writes each asset as its key and its content,
 * each after its u64 length, after the main script.
 */
export function readSeaAsset(blob: Buffer, key: string): Buffer | undefined {
  const name = Buffer.alloc(8 + Buffer.byteLength(key));
  name.writeBigUInt64LE(BigInt(Buffer.byteLength(key)));
  name.write(key, 8);
  const at = blob.indexOf(name);
  if (at < 0) return undefined;
  const start = at + name.length + 8;
  const length = Number(blob.readBigUInt64LE(start - 8));
  if (start + length > blob.length) throw new Error(`SEA blob: asset ${key} runs past the end`);
  return blob.subarray(start, start + length);
}

/** Bits of the SEA blob's flags (Node's SeaFlags). */
export const SEA_FLAGS = {
  disableExperimentalWarning: 1 << 0,
  useSnapshot: 1 << 1,
  useCodeCache: 1 << 2,
  includeAssets: 1 << 3,
} as const;

/** Node flips this fuse (":0" → ":1") in a binary that carries a blob. */
export const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
