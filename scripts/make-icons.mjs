#!/usr/bin/env node
/**
 * Draws the tray icons (one per state, 16 px and @2x 32 px) and the 512 px app icon into resources/.
 * Plain shapes, anti-aliased by supersampling, written as PNG with node:zlib: no image dependency.
 * The PNGs are committed; run `node scripts/make-icons.mjs` after changing a shape.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  const SS = 4;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
        // Unit coordinates: -1..1 across the icon.
        const [pr, pg, pb, pa] = pixel(((x + (sx + 0.5) / SS) / size) * 2 - 1, ((y + (sy + 0.5) / SS) / size) * 2 - 1);
        r += pr * pa; g += pg * pa; b += pb * pa; a += pa;
      }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = a ? Math.round(r / a) : 0; raw[o + 1] = a ? Math.round(g / a) : 0; raw[o + 2] = a ? Math.round(b / a) : 0; raw[o + 3] = Math.round((a / (SS * SS)) * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const BLUE = [31, 111, 235], RED = [209, 36, 47], GREY = [110, 119, 129], WHITE = [255, 255, 255];
const inDisc = (x, y, radius) => x * x + y * y <= radius * radius;
const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
/** A coloured disc with a white mark; transparent outside. */
const icon = (color, mark) => (x, y) => (inDisc(x, y, 0.94) ? (mark(x, y) ? [...WHITE, 1] : [...color, 1]) : [0, 0, 0, 0]);

const MARKS = {
  // A white ring: the umbrella's canopy seen from above.
  idle: (x, y) => inDisc(x, y, 0.5) && !inDisc(x, y, 0.28),
  // Three quarters of the ring: turning.
  syncing: (x, y) => inDisc(x, y, 0.55) && !inDisc(x, y, 0.3) && !(x > 0 && y < 0),
  // An exclamation mark.
  failed: (x, y) => inRect(x, y, -0.12, -0.6, 0.12, 0.18) || inDisc(x, y - 0.45, 0.14),
  // Two bars.
  paused: (x, y) => inRect(x, y, -0.42, -0.5, -0.12, 0.5) || inRect(x, y, 0.12, -0.5, 0.42, 0.5),
};
const COLORS = { idle: BLUE, syncing: BLUE, failed: RED, paused: GREY };

for (const state of Object.keys(MARKS)) {
  fs.writeFileSync(`resources/tray-${state}.png`, png(16, icon(COLORS[state], MARKS[state])));
  fs.writeFileSync(`resources/tray-${state}@2x.png`, png(32, icon(COLORS[state], MARKS[state])));
}
fs.writeFileSync('resources/icon.png', png(512, icon(BLUE, MARKS.idle)));
console.log('resources/: tray-{idle,syncing,failed,paused}.png (16 px, @2x 32 px), icon.png (512 px)');
