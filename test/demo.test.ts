// npm run demo: options, a short run's report, the same report from the same seed, and
// the picture it writes.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, describe, expect, test } from 'vitest';

const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const demo = (...args: string[]): string => execFileSync(tsx, [path.join(root, 'examples', 'demo.ts'), ...args], { encoding: 'utf8', cwd: root });

describe.skipIf(!fs.existsSync(path.join(root, 'dist', 'index.js')))('npm run demo', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-demo-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const svgFile = path.join(dir, 'demo.svg');

  test('--help lists the options', () => {
    const help = demo('--help');
    for (const option of ['--epochs', '--batch-size', '--lr', '--optimizer', '--seed']) expect(help).toContain(option);
  });

  test('a short run learns, reports metrics and a loss curve, and repeats itself under a seed', () => {
    const run = () => demo('--epochs', '40', '--points', '100', '--seed', '3', '--plot', svgFile);
    const out = run();
    const loss = Number(/train loss\s+([\d.]+)/.exec(out)?.[1]);
    expect(loss).toBeLessThan(Math.LN2); // better than chance on two balanced classes
    expect(out).toMatch(/train accuracy\s+[\d.]+%/);
    expect(out).toMatch(/test accuracy\s+[\d.]+%/);
    expect(out).toContain('loss per epoch');
    expect(out).toMatch(/epoch 40\/40 \[#{30}\]/);
    const withoutTimes = (s: string) => s.replace(/[\d.]+s\b.*$/gm, '');
    expect(withoutTimes(run())).toBe(withoutTimes(out));
  });

  test('writes the loss curve and decision map as an SVG picture and prints its path', () => {
    fs.rmSync(svgFile, { force: true });
    const out = demo('--epochs', '40', '--points', '100', '--seed', '3', '--plot', svgFile);
    expect(out).toContain(`loss curve and decision map written to ${svgFile}`);
    const svg = fs.readFileSync(svgFile, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // The marks: one line through the 40 epochs' losses, one symbol per point (2 x 100).
    const group = (role: string): string => {
      const start = svg.indexOf(`<g class="${role}`);
      expect(start).toBeGreaterThanOrEqual(0);
      return svg.slice(start, svg.indexOf('</g>', start));
    };
    const line = /\bd="([^"]+)"/.exec(group('mark-line role-mark'))![1];
    expect(line.match(/[ML]/g)).toHaveLength(40);
    expect(group('mark-symbol role-mark').match(/<path /g)).toHaveLength(200);
    // A real SVG renderer parses it (it throws on malformed XML or SVG) and draws both
    // classes' regions of the map in their colours (#c6dbef, #fdd0a2).
    const image = new Resvg(svg).render();
    expect(image.width).toBeGreaterThan(600);
    const pixels = image.pixels; // RGBA (a getter that copies the buffer: read it once)
    const counts = [0, 0];
    const colours = [[0xc6, 0xdb, 0xef], [0xfd, 0xd0, 0xa2]];
    for (let i = 0; i < pixels.length; i += 4) {
      colours.forEach(([r, g, b], k) => {
        if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) counts[k]++;
      });
    }
    expect(Math.min(...counts)).toBeGreaterThan(5000); // of the map's 300 x 300 pixels
  });

  test('--plot none writes no picture', () => {
    const out = demo('--epochs', '1', '--points', '10', '--plot', 'none');
    expect(out).not.toContain('written to');
  });

  test('bad options are reported, not thrown', () => {
    expect(() => demo('--optimizer', 'lbfgs')).toThrow(/--optimizer must be one of adam, adamw, sgd, rmsprop, adagrad, got lbfgs/);
  });
});
