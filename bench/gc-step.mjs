// MLP SGD steps with GC counting: node --trace-gc gcstep.mjs STEPS (run from a checkout)
const tg = await import(process.env.TG_DIST ? process.env.TG_DIST + '/index.mjs' : 'tensorgrad');
const steps = Number(process.argv[2] ?? 3000);
tg.setNumThreads(1);
tg.manualSeed(0);
const model = new tg.nn.Sequential(new tg.nn.Linear(784, 256), new tg.nn.ReLU(), new tg.nn.Linear(256, 10));
const lossFn = new tg.nn.CrossEntropyLoss();
const opt = new tg.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = tg.randn(128, 784), y = tg.randint(0, 10, [128]);
const step = () => { opt.zeroGrad(); lossFn.forward(model.forward(x), y).backward(); opt.step(); };
for (let i = 0; i < 200; ++i) step();
const t0 = process.hrtime.bigint();
for (let i = 0; i < steps; ++i) step();
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.error(`ms/step ${(ms / steps).toFixed(4)} rss ${(process.memoryUsage().rss / 2**20).toFixed(0)} MiB`);
