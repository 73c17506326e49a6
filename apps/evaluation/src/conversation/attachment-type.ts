import type { AttachmentContentType } from '@handoff/contracts';

/**
 * What a file is, read from its bytes: a sender's Content-Type or file name is a claim, and a
 * file served back to a browser as the wrong type (HTML as an image) is how stored content turns
 * into script. Only the ticket's allowlist is recognised; anything else is unknown.
 */
export function detectContentType(bytes: Buffer): AttachmentContentType | null {
  const starts = (signature: readonly number[] | string, at = 0) => {
    const expected = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : Buffer.from(signature);
    return bytes.length >= at + expected.length && bytes.subarray(at, at + expected.length).equals(expected);
  };
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts('GIF87a') || starts('GIF89a')) return 'image/gif';
  if (starts('RIFF') && starts('WEBP', 8)) return 'image/webp';
  if (starts('RIFF') && starts('WAVE', 8)) return 'audio/wav';
  if (starts('%PDF-')) return 'application/pdf';
  if (starts('OggS')) return 'audio/ogg';
  if (starts('ftyp', 4) && ['M4A ', 'M4B '].some((brand) => starts(brand, 8))) return 'audio/mp4';
  if (starts('ID3') || isMpegAudioFrame(bytes)) return 'audio/mpeg';
  if (starts([0x50, 0x4b, 0x03, 0x04])) return officeOpenXmlType(bytes);
  if (starts([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return legacyOfficeType(bytes);
  return null;
}

/**
 * Whether a sender's declared type agrees with the detected one. No declaration, or the generic
 * "some bytes", claims nothing; otherwise the names browsers and systems use for the same format agree.
 */
export function declaredTypeAgrees(declared: string | undefined, detected: AttachmentContentType): boolean {
  const type = declared?.split(';')[0].trim().toLowerCase();
  if (!type || type === 'application/octet-stream') return true;
  return type === detected || (ALIASES[detected] ?? []).includes(type);
}

const ALIASES: Partial<Record<AttachmentContentType, readonly string[]>> = {
  'image/jpeg': ['image/jpg', 'image/pjpeg'],
  'application/pdf': ['application/x-pdf'],
  // Some systems name an Office Open XML file by its container.
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['application/zip', 'application/x-zip-compressed'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['application/zip', 'application/x-zip-compressed'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['application/zip', 'application/x-zip-compressed'],
  'audio/mpeg': ['audio/mp3', 'audio/mpeg3', 'audio/x-mpeg-3'],
  'audio/wav': ['audio/x-wav', 'audio/wave', 'audio/vnd.wave'],
  'audio/mp4': ['audio/x-m4a', 'audio/m4a', 'audio/aac'],
  'audio/ogg': ['application/ogg', 'audio/opus', 'audio/vorbis'],
};

/** An MPEG audio layer III frame header: 11 sync bits, then layer bits 01. */
function isMpegAudioFrame(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0 && (bytes[1] & 0x06) === 0x02 && (bytes[2] & 0xf0) !== 0xf0;
}

/**
 * A ZIP is an Office document when its central directory lists `[Content_Types].xml` and the
 * part folder of Word, Excel or PowerPoint; any other ZIP (an archive of anything) is unknown.
 */
function officeOpenXmlType(bytes: Buffer): AttachmentContentType | null {
  const names = zipEntryNames(bytes);
  if (!names || !names.includes('[Content_Types].xml')) return null;
  if (names.some((name) => name.startsWith('word/'))) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (names.some((name) => name.startsWith('xl/'))) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (names.some((name) => name.startsWith('ppt/'))) return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  return null;
}

function zipEntryNames(bytes: Buffer): string[] | null {
  // The end-of-central-directory record is within the last 22 + 65535 (comment) bytes.
  const floor = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let at = bytes.length - 22; at >= floor; at--) {
    if (bytes.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return null;
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return null;
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    if (at + 46 + nameLength > bytes.length) return null;
    names.push(bytes.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const OLE_STREAMS: readonly [string, AttachmentContentType][] = [
  ['WordDocument', 'application/msword'],
  ['Workbook', 'application/vnd.ms-excel'],
  ['Book', 'application/vnd.ms-excel'],
  ['PowerPoint Document', 'application/vnd.ms-powerpoint'],
];

/**
 * A compound file (OLE) is a Word, Excel or PowerPoint document by the stream its directory
 * names; other compound files (installers, Outlook messages) are unknown. The directory's sector
 * chain is followed through the FAT sectors the header lists (about 7 MB of file with 512-byte
 * sectors); a directory beyond them is not recognised rather than guessed.
 */
function legacyOfficeType(bytes: Buffer): AttachmentContentType | null {
  if (bytes.length < 512) return null;
  const sectorShift = bytes.readUInt16LE(0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) return null;
  const sectorSize = 1 << sectorShift;
  const offsetOf = (sector: number) => (sector + 1) * sectorSize;
  const fatSectors: number[] = [];
  for (let index = 0; index < 109; index++) {
    const sector = bytes.readUInt32LE(0x4c + index * 4);
    if (sector >= 0xfffffffa) break;
    fatSectors.push(sector);
  }
  const next = (sector: number): number | null => {
    const fat = fatSectors[Math.floor((sector * 4) / sectorSize)];
    const at = fat === undefined ? -1 : offsetOf(fat) + ((sector * 4) % sectorSize);
    return at < 0 || at + 4 > bytes.length ? null : bytes.readUInt32LE(at);
  };
  let sector: number | null = bytes.readUInt32LE(0x30);
  for (let visited = 0; sector !== null && sector < 0xfffffffa && visited < 4096; visited++) {
    const start = offsetOf(sector);
    if (start + sectorSize > bytes.length) return null;
    for (let entry = start; entry < start + sectorSize; entry += 128) {
      const nameBytes = Math.min(64, bytes.readUInt16LE(entry + 64));
      const name = bytes.toString('utf16le', entry, entry + Math.max(0, nameBytes - 2));
      const isStream = bytes[entry + 66] === 2;
      const known = isStream ? OLE_STREAMS.find(([stream]) => stream === name) : undefined;
      if (known) return known[1];
    }
    sector = next(sector);
  }
  return null;
}
