// Types of bench/compare.mjs, for test/bench-compare.test.ts.
export interface Sample {
  round: number;
  figures: Record<string, number>;
}
export function higherIsBetter(name: string): boolean;
export function ratioOf(higher: boolean, ours: number, ref: number): number;
export function medianFigure(samples: Sample[], who: string): number | undefined;
export function bestConfig(samples: Sample[], candidates: string[], higher: boolean): string | undefined;
export function pairedRatio(samples: Sample[], ours: string, ref: string, higher: boolean): { ratio: number; spread: [number, number] } | null;
