# A small CNN that learns to read digits: 12x12 images drawn from a 5x7 pixel font at
# random positions under Gaussian noise (generated here, no download), two conv/ReLU/
# max-pool blocks and a linear classifier, trained with SGD and momentum. Prints the
# progress and the test accuracy, and saves the trained weights as a safetensors file.
# examples/digits-cnn.ts is the tensorgrad port; with the same seed both print the same.
#   DIGITS_EPOCHS (default 5), DIGITS_STEPS (steps per epoch, default all),
#   DIGITS_CHECKPOINT (default digits-cnn.safetensors)
import json
import os
import struct

import torch
import torch.nn as nn

EPOCHS = int(os.environ.get('DIGITS_EPOCHS', '5'))
STEPS = int(os.environ.get('DIGITS_STEPS', '0'))
CHECKPOINT = os.environ.get('DIGITS_CHECKPOINT', 'digits-cnn.safetensors')

# The digits 0-9 in a 5x7 pixel font, one string of 5 characters per row.
FONT = [
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
]
SIZE = 12


def make_digits(n):
    """n noisy images [n, 1, 12, 12] of random digits at random positions, and their labels."""
    labels = torch.randint(0, 10, (n,))
    shifts = torch.randint(0, SIZE - 6, (n, 2))  # the glyph's top-left corner, rows and columns 0..5
    images = torch.randn(n, 1, SIZE, SIZE) * 0.3
    for i in range(n):
        dy, dx = shifts[i].tolist()
        for r, row in enumerate(FONT[labels[i]]):
            for c, ch in enumerate(row):
                if ch == '#':
                    images[i, 0, dy + r, dx + c] += 1.0
    return images, labels


def save_safetensors(tensors, path):
    """The safetensors format: an 8-byte header length, a JSON header, the raw data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header).encode()
    head += b' ' * (-len(head) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)) + head + b''.join(blobs))


torch.manual_seed(0)
train_x, train_y = make_digits(2000)
test_x, test_y = make_digits(500)

model = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 3 * 3, 10),
)
print(model)

criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
batch_size = 50
steps = STEPS or len(train_x) // batch_size

for epoch in range(EPOCHS):
    order = torch.randperm(len(train_x))
    for step in range(steps):
        idx = order[step * batch_size:(step + 1) * batch_size]
        loss = criterion(model(train_x[idx]), train_y[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (step + 1) % 10 == 0:
            print(f'Epoch [{epoch + 1}/{EPOCHS}], Step [{step + 1}/{steps}], Loss: {loss.item():.4f}')

with torch.no_grad():
    predicted = model(test_x).argmax(1)
    correct = (predicted == test_y).sum().item()
print(f'Accuracy on the {len(test_x)} test images: {100 * correct / len(test_x):.2f} %')

save_safetensors(model.state_dict(), CHECKPOINT)
print(f'Saved the weights to {os.path.basename(CHECKPOINT)}')
