"""LeNet-5 on MNIST in Keras 3. The same file runs on the TensorFlow, JAX and PyTorch backends."""

import time

import keras
from keras import layers

EPOCHS = 2
BATCH_SIZE = 128
keras.utils.set_random_seed(0)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255  # channels last: (N, 28, 28, 1)
x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255

model = keras.Sequential(
    [
        keras.Input((28, 28, 1)),
        layers.Conv2D(6, 5, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(16, 5, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(120, activation="relu"),
        layers.Dense(84, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
print(f"Keras on {keras.backend.backend()}: {model.count_params():,} parameters")

epoch_seconds = []
for epoch in range(EPOCHS):
    start = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=1, verbose=0)
    epoch_seconds.append(time.perf_counter() - start)
    print(f"epoch {epoch + 1}: loss {history.history['loss'][0]:.4f}, {epoch_seconds[-1]:.1f} s")

test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
print(f"test accuracy {test_accuracy:.2%}")
