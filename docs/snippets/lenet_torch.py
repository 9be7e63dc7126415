"""LeNet-5 on MNIST in PyTorch, with the Keras tab's data, model and settings."""

import time

import keras  # only to load the very same MNIST arrays as the Keras tab
import torch
from torch import nn

EPOCHS = 2
BATCH_SIZE = 128
torch.manual_seed(0)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = torch.tensor(x_train, dtype=torch.float32).unsqueeze(1) / 255  # channels first: (N, 1, 28, 28)
x_test = torch.tensor(x_test, dtype=torch.float32).unsqueeze(1) / 255
y_train, y_test = torch.tensor(y_train, dtype=torch.long), torch.tensor(y_test, dtype=torch.long)

model = nn.Sequential(
    nn.Conv2d(1, 6, 5),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(16 * 4 * 4, 120),
    nn.ReLU(),
    nn.Linear(120, 84),
    nn.ReLU(),
    nn.Linear(84, 10),  # logits: CrossEntropyLoss applies the softmax itself
)
for layer in model:  # Keras's default initialisation, so that both tabs start alike
    if isinstance(layer, nn.Conv2d | nn.Linear):
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
print(f"PyTorch: {sum(p.numel() for p in model.parameters()):,} parameters")

epoch_seconds = []
for epoch in range(EPOCHS):
    start = time.perf_counter()
    model.train()
    total = 0.0
    for batch in torch.randperm(len(x_train)).split(BATCH_SIZE):
        optimizer.zero_grad()
        loss = loss_fn(model(x_train[batch]), y_train[batch])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    epoch_seconds.append(time.perf_counter() - start)
    print(f"epoch {epoch + 1}: loss {total / len(x_train):.4f}, {epoch_seconds[-1]:.1f} s")

model.eval()
with torch.no_grad():
    test_accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
print(f"test accuracy {test_accuracy:.2%}")
