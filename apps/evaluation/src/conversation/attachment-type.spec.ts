import { declaredTypeAgrees, detectContentType } from './attachment-type';

/** A ZIP whose central directory lists `names` (entries stored empty: only the directory is read). */
function zipOf(names: readonly string[]): Buffer {
  const local = Buffer.from([0x50, 0x4b, 0x03, 0x04, ...new Array(26).fill(0)]);
  const central = names.map((name) => {
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(Buffer.byteLength(name), 28);
    return Buffer.concat([header, Buffer.from(name, 'utf8')]);
  });
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(local.length, 16);
  return Buffer.concat([local, directory, end]);
}

/** A compound file (512-byte sectors: header, one FAT sector, one directory sector) with one stream named `stream`. */
function oleWith(stream: string): Buffer {
  const file = Buffer.alloc(512 * 3, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file, 0);
  file.writeUInt16LE(9, 0x1e);
  file.writeUInt32LE(1, 0x2c);
  file.writeUInt32LE(1, 0x30);
  file.writeUInt32LE(0, 0x4c);
  for (let index = 1; index < 109; index++) file.writeUInt32LE(0xffffffff, 0x4c + index * 4);
  const fat = 512;
  file.writeUInt32LE(0xfffffffd, fat);
  file.writeUInt32LE(0xfffffffe, fat + 4);
  for (let index = 2; index < 128; index++) file.writeUInt32LE(0xffffffff, fat + index * 4);
  const directory = 1024;
  const entry = (at: number, name: string, type: number) => {
    const encoded = Buffer.from(`${name}\0`, 'utf16le');
    encoded.copy(file, at);
    file.writeUInt16LE(encoded.length, at + 64);
    file[at + 66] = type;
  };
  entry(directory, 'Root Entry', 5);
  entry(directory + 128, stream, 2);
  return file;
}

const bytes = (...parts: (number[] | string)[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

describe('what a file is, from its bytes', () => {
  it.each([
    ['a PNG image', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR'), 'image/png'],
    ['a JPEG photo', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['a GIF', bytes('GIF89a', [1, 0, 1, 0]), 'image/gif'],
    ['a WebP image', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['a PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
    ['a Word document', zipOf(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['an Excel workbook', zipOf(['[Content_Types].xml', 'xl/workbook.xml']), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['a PowerPoint deck', zipOf(['[Content_Types].xml', 'ppt/presentation.xml']), 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    ['a legacy Word document', oleWith('WordDocument'), 'application/msword'],
    ['a legacy Excel workbook', oleWith('Workbook'), 'application/vnd.ms-excel'],
    ['a legacy PowerPoint deck', oleWith('PowerPoint Document'), 'application/vnd.ms-powerpoint'],
    ['an MP3 recording with tags', bytes('ID3', [4, 0, 0]), 'audio/mpeg'],
    ['an MP3 recording without tags', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
    ['a WAV recording', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'audio/wav'],
    ['an M4A recording', bytes([0, 0, 0, 0x20], 'ftypM4A ', [0, 0, 0, 0]), 'audio/mp4'],
    ['an Ogg recording', bytes('OggS', [0]), 'audio/ogg'],
  ])('recognises %s', (_, file, type) => {
    expect(detectContentType(file)).toBe(type);
  });

  it.each([
    ['HTML', bytes('<!doctype html><script>alert(1)</script>')],
    ['an SVG image (it can carry script)', bytes('<svg xmlns="http://www.w3.org/2000/svg"></svg>')],
    ['plain text', bytes('hello')],
    ['a ZIP archive that is no Office document', zipOf(['notes.txt', 'payload.exe'])],
    ['a ZIP with Office content types but no document part', zipOf(['[Content_Types].xml', 'other/x.xml'])],
    ['a compound file that is no Office document', oleWith('__substg1.0_0037001F')],
    ['a truncated compound file', oleWith('WordDocument').subarray(0, 600)],
    ['a Windows program', bytes('MZ', [0x90, 0])],
    ['an MP4 video', bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 0, 0])],
    ['nothing', Buffer.alloc(0)],
  ])('does not recognise %s', (_, file) => {
    expect(detectContentType(file)).toBeNull();
  });
});

describe('whether a declared type agrees with the bytes', () => {
  it('takes no declaration, or the generic one, as no claim', () => {
    expect(declaredTypeAgrees(undefined, 'image/png')).toBe(true);
    expect(declaredTypeAgrees('', 'image/png')).toBe(true);
    expect(declaredTypeAgrees('application/octet-stream', 'application/pdf')).toBe(true);
  });

  it('accepts the same type in any case and with parameters, and the names systems use for it', () => {
    expect(declaredTypeAgrees('IMAGE/PNG', 'image/png')).toBe(true);
    expect(declaredTypeAgrees('audio/mpeg; charset=binary', 'audio/mpeg')).toBe(true);
    expect(declaredTypeAgrees('image/jpg', 'image/jpeg')).toBe(true);
    expect(declaredTypeAgrees('audio/x-wav', 'audio/wav')).toBe(true);
  });

  it('refuses a claim the bytes contradict', () => {
    expect(declaredTypeAgrees('image/png', 'application/pdf')).toBe(false);
    expect(declaredTypeAgrees('text/html', 'image/png')).toBe(false);
    expect(declaredTypeAgrees('application/zip', 'image/png')).toBe(false);
  });
});
