// A small CNN that learns to read digits: 12x12 images drawn from a 5x7 pixel font at
// random positions under Gaussian noise (generated here, no download), two conv/ReLU/
// max-pool blocks and a linear classifier, trained with SGD and momentum. Prints the
// progress and the test accuracy, and saves the trained weights as a safetensors file
// (tg.load and model.loadStateDict read it back; so does PyTorch's safetensors).
// Ported line for line from the PyTorch original, examples/pytorch/digits_cnn.py: with
// the same seed both print the same (tensorgrad's generator is PyTorch's).
//   DIGITS_EPOCHS (default 5), DIGITS_STEPS (steps per epoch, default all),
//   DIGITS_CHECKPOINT (default digits-cnn.safetensors)
import * as path from 'path';
import * as tg from 'tensorgrad';
const { nn } = tg;

const EPOCHS = Number(process.env.DIGITS_EPOCHS ?? '5');
const STEPS = Number(process.env.DIGITS_STEPS ?? '0');
const CHECKPOINT = process.env.DIGITS_CHECKPOINT ?? 'digits-cnn.safetensors';

// The digits 0-9 in a 5x7 pixel font, one string of 5 characters per row.
const FONT = [
  ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
];
const SIZE = 12;

/** n noisy images [n, 1, 12, 12] of random digits at random positions, and their labels. */
function makeDigits(n: number): [tg.Tensor, tg.Tensor] {
  const labels = tg.randint(0, 10, [n]);
  const shifts = tg.randint(0, SIZE - 6, [n, 2]); // the glyph's top-left corner, rows and columns 0..5
  const images = tg.randn(n, 1, SIZE, SIZE).mul(0.3);
  const pixels = images.toTypedArray() as Float32Array; // a copy: written, then made a tensor again
  const label = labels.toTypedArray();
  const shift = shifts.toTypedArray();
  for (let i = 0; i < n; i++) {
    const [dy, dx] = [shift[2 * i], shift[2 * i + 1]];
    FONT[label[i]].forEach((row, r) => {
      [...row].forEach((ch, c) => {
        if (ch === '#') pixels[((i * SIZE) + dy + r) * SIZE + dx + c] += 1.0;
      });
    });
  }
  return [tg.from(pixels, [n, 1, SIZE, SIZE]), labels];
}

tg.manualSeed(0);
const [trainX, trainY] = makeDigits(2000);
const [testX, testY] = makeDigits(500);

const model = new nn.Sequential(
  new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(16 * 3 * 3, 10),
);
console.log(model);

const criterion = new nn.CrossEntropyLoss();
const optimizer = new tg.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const batchSize = 50;
const steps = STEPS || Math.floor(trainX.shape[0] / batchSize);

for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const order = tg.randperm(trainX.shape[0]);
  for (let step = 0; step < steps; step++) {
    const idx = order.narrow(0, step * batchSize, batchSize);
    const loss = criterion.forward(model.forward(trainX.indexSelect(0, idx)), trainY.indexSelect(0, idx));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if ((step + 1) % 10 === 0) {
      console.log(`Epoch [${epoch + 1}/${EPOCHS}], Step [${step + 1}/${steps}], Loss: ${loss.item().toFixed(4)}`);
    }
  }
}

const correct = tg.noGrad(() => model.forward(testX).argmax(1).eq(testY).sum().item());
console.log(`Accuracy on the ${testX.shape[0]} test images: ${((100 * correct) / testX.shape[0]).toFixed(2)} %`);

tg.save(model.stateDict(), CHECKPOINT);
console.log(`Saved the weights to ${path.basename(CHECKPOINT)}`);
