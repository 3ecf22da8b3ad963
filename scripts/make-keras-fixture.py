#!/usr/bin/python3
"""Write Keras 2.2.4-layout HDF5 files of the breast-density ResNet, for the import-keras tests.

Run with Debian's Python (it has h5py and numpy; no TensorFlow/Keras is needed or used):

    /usr/bin/python3 scripts/make-keras-fixture.py OUT_DIR [--size 64] [--seed 1] [--only whole,weights]

Writes into OUT_DIR:

- ``whole.h5``: what Keras 2.2.4 ``model.save()`` writes: root attributes ``keras_version``,
  ``backend``, ``model_config`` (the functional-model JSON of this architecture at ``--size``) and
  ``training_config``; group ``model_weights`` with attributes ``layer_names``, ``backend``,
  ``keras_version`` and one group per layer (attribute ``weight_names``, datasets
  ``<layer>/<weight>:0``); group ``optimizer_weights`` (SGD iterations and moments).
- ``weights.h5``: what ``model.save_weights()`` writes: the ``model_weights`` layout at the root.
- ``renumbered.h5``: ``whole.h5`` as saved from a Python session in which another model of this
  architecture was built first (``input_2``, ``conv2d_42`` ... ``conv2d_82``, ``add_13`` ...).
- ``bad-missing.h5``, ``bad-shape.h5``, ``bad-arch.h5``: weights-only files that must NOT import
  (layer ``batch_normalization_5`` missing; ``conv2d_3`` kernel with 32 instead of 64 filters;
  a 5-class head plus an extra layer ``conv2d_42``).
- ``expected.json``: the input (one ``[1, size, size, 3]`` float32 image, row-major), the logits
  and softmax probabilities of the network on it computed here in float64 numpy (TF ``same``
  padding, inference-mode batch normalisation, LeakyReLU 0.3, max-pool 3x3/2 ``same``, global
  average pooling, dense), independently of TensorFlow.js; the file's ``layer_names``; and the
  shape and sha256 of every weight's little-endian float32 bytes (``weights``).

Weights are random but seeded (glorot-uniform kernels, small biases, BN statistics near 1 / 0);
the dense kernel is rescaled so that the logits are of order 1 (a saturated softmax would make the
prediction check weak). The layer names, creation order and ``model.layers`` order follow Keras
2.2.4 for the original network (``Train_ResNet.py`` of the use case), so weights map by name.
"""
import argparse
import hashlib
import json
import os

import h5py
import numpy as np

KERAS_VERSION = b"2.2.4"
BACKEND = b"tensorflow"
BN_EPSILON = 1e-3
LEAKY_ALPHA = float(np.float32(0.3))  # Keras stores alpha as floatx: 0.30000001192092896
STAGES = [(64, 128, 1), (128, 256, 2), (128, 256, 2), (128, 256, 2)]
MODULES_PER_STAGE = 3


def glorot_config():
    return {
        "class_name": "VarianceScaling",
        "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None},
    }


def zeros():
    return {"class_name": "Zeros", "config": {}}


def ones():
    return {"class_name": "Ones", "config": {}}


class Graph:
    """The network as Keras layers: name, class, config, inbound layer names, weights."""

    def __init__(self):
        self.layers = []  # creation order
        self.by_name = {}
        self.counts = {}

    def add(self, prefix, class_name, config, inbound, weights=None):
        n = self.counts.get(prefix, 0) + 1
        self.counts[prefix] = n
        name = f"{prefix}_{n}"
        if class_name == "InputLayer":
            config = {**config, "name": name}  # InputLayer config has no "trainable"
        else:
            config = {"name": name, "trainable": True, **config}
        layer = {"name": name, "class_name": class_name, "config": config, "inbound": inbound, "weights": weights or []}
        self.layers.append(layer)
        self.by_name[name] = layer
        return name


def build_graph(size, num_classes, rng, bad_shape=False, extra_layer=False):
    g = Graph()
    channels = {"c": 3}

    def conv(x, filters, kernel, stride, cin):
        fan_in, fan_out = kernel * kernel * cin, kernel * kernel * filters
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        k = rng.uniform(-limit, limit, size=(kernel, kernel, cin, filters)).astype(np.float32)
        b = rng.uniform(-0.05, 0.05, size=(filters,)).astype(np.float32)
        cfg = {
            "filters": filters,
            "kernel_size": [kernel, kernel],
            "strides": [stride, stride],
            "padding": "same",
            "data_format": "channels_last",
            "dilation_rate": [1, 1],
            "activation": "linear",
            "use_bias": True,
            "kernel_initializer": glorot_config(),
            "bias_initializer": zeros(),
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        }
        return g.add("conv2d", "Conv2D", cfg, [x], [("kernel", k), ("bias", b)])

    def bn(x, ch):
        w = [
            ("gamma", rng.uniform(0.8, 1.2, size=(ch,)).astype(np.float32)),
            ("beta", rng.uniform(-0.1, 0.1, size=(ch,)).astype(np.float32)),
            ("moving_mean", rng.uniform(-0.1, 0.1, size=(ch,)).astype(np.float32)),
            ("moving_variance", rng.uniform(0.5, 1.5, size=(ch,)).astype(np.float32)),
        ]
        cfg = {
            "axis": -1,
            "momentum": 0.99,
            "epsilon": BN_EPSILON,
            "center": True,
            "scale": True,
            "beta_initializer": zeros(),
            "gamma_initializer": ones(),
            "moving_mean_initializer": zeros(),
            "moving_variance_initializer": ones(),
            "beta_regularizer": None,
            "gamma_regularizer": None,
            "beta_constraint": None,
            "gamma_constraint": None,
        }
        return g.add("batch_normalization", "BatchNormalization", cfg, [x], w)

    def lrelu(x):
        return g.add("leaky_re_lu", "LeakyReLU", {"alpha": LEAKY_ALPHA}, [x])

    x = g.add(
        "input",
        "InputLayer",
        {"batch_input_shape": [None, size, size, 3], "dtype": "float32", "sparse": False},
        [],
    )
    x = conv(x, 64, 3, 2, 3)
    x = lrelu(bn(x, 64))
    x = g.add(
        "max_pooling2d",
        "MaxPooling2D",
        {"pool_size": [3, 3], "padding": "same", "strides": [2, 2], "data_format": "channels_last"},
        [x],
    )
    ch = 64
    for stage, (width, out, first_stride) in enumerate(STAGES):
        for m in range(MODULES_PER_STAGE):
            stride = first_stride if m == 0 else 1
            project = (stage == 0 and m == 0) or stride != 1
            shortcut = x
            y = lrelu(bn(conv(x, width, 1, 1, ch), width))
            w3 = 32 if (bad_shape and len(g.counts) and g.counts.get("conv2d") == 2) else width
            y = conv(y, w3, 3, stride, width)
            y = lrelu(bn(y, w3))
            y = bn(conv(y, out, 1, 1, w3), out)
            if project:
                shortcut = bn(conv(shortcut, out, 1, stride, ch), out)
            x = g.add("add", "Add", {}, [shortcut, y])
            x = lrelu(x)
            ch = out
    x = g.add("dropout", "Dropout", {"rate": 0.2, "noise_shape": None, "seed": None}, [x])
    x = g.add("global_average_pooling2d", "GlobalAveragePooling2D", {"data_format": "channels_last"}, [x])
    limit = np.sqrt(6.0 / (ch + num_classes))
    dk = rng.uniform(-limit, limit, size=(ch, num_classes)).astype(np.float32)
    db = rng.uniform(-0.1, 0.1, size=(num_classes,)).astype(np.float32)
    dense_cfg = {
        "units": num_classes,
        "activation": "softmax",
        "use_bias": True,
        "kernel_initializer": glorot_config(),
        "bias_initializer": zeros(),
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
    }
    out_name = g.add("dense", "Dense", dense_cfg, [x], [("kernel", dk), ("bias", db)])
    if extra_layer:
        # A layer this architecture does not have (as in a deeper network).
        g.counts["conv2d"] = 41
        conv(x, 8, 1, 1, 256)
    return g, out_name


def renumbered(g, order, offsets):
    """The same network with layer numbers shifted per prefix, as Keras names a model built after
    others in one session (``conv2d_42``... instead of ``conv2d_1``...)."""

    def rename(name):
        prefix, n = name.rsplit("_", 1)
        return f"{prefix}_{int(n) + offsets.get(prefix, 0)}"

    r = Graph()
    for l in g.layers:
        nl = dict(l, name=rename(l["name"]), inbound=[rename(p) for p in l["inbound"]])
        nl["config"] = dict(l["config"], name=nl["name"])
        r.layers.append(nl)
        r.by_name[nl["name"]] = nl
    return r, [rename(n) for n in order]


def keras_layer_order(g, output):
    """``model.layers`` order of Keras 2.2.4: decreasing depth, ties by pre-order DFS index."""
    depth = {}
    index = {}

    def visit(name, d):
        if name not in index:
            index[name] = len(index)
        depth[name] = max(depth.get(name, 0), d)
        for parent in g.by_name[name]["inbound"]:
            visit(parent, d + 1)

    visit(output, 0)
    names = [l["name"] for l in g.layers if l["name"] in depth]
    extra = [l["name"] for l in g.layers if l["name"] not in depth]
    return sorted(names, key=lambda n: (-depth[n], index[n])) + extra


def model_config(g, order, output):
    layers = []
    for name in order:
        l = g.by_name[name]
        inbound = [[[p, 0, 0, {}] for p in l["inbound"]]] if l["inbound"] else []
        layers.append({"name": name, "class_name": l["class_name"], "config": l["config"], "inbound_nodes": inbound})
    return {
        "class_name": "Model",
        "config": {
            "name": "model_1",
            "layers": layers,
            "input_layers": [["input_1", 0, 0]],
            "output_layers": [[output, 0, 0]],
        },
    }


def write_weights_group(group, g, order):
    """Keras 2.2.4 ``save_weights_to_hdf5_group``."""
    group.attrs["layer_names"] = np.asarray([n.encode("utf8") for n in order])
    group.attrs["backend"] = BACKEND
    group.attrs["keras_version"] = KERAS_VERSION
    for name in order:
        layer = g.by_name[name]
        lg = group.create_group(name)
        names = [f"{name}/{w}:0".encode("utf8") for w, _ in layer["weights"]]
        lg.attrs["weight_names"] = np.asarray(names)  # empty list -> float64 (0,), as Keras
        for wname, (_, value) in zip(names, layer["weights"]):
            ds = lg.create_dataset(wname.decode("utf8"), value.shape, dtype=value.dtype)
            if not value.shape:
                ds[()] = value
            else:
                ds[:] = value


def write_whole(path, g, order, output, include_optimizer=True):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = BACKEND
        f.attrs["model_config"] = json.dumps(model_config(g, order, output)).encode("utf8")
        training = {
            "optimizer_config": {
                "class_name": "SGD",
                "config": {"lr": 0.009999999776482582, "momentum": 0.0, "decay": 0.0, "nesterov": False},
            },
            "loss": "categorical_crossentropy",
            "metrics": ["accuracy"],
            "sample_weight_mode": None,
            "loss_weights": None,
        }
        f.attrs["training_config"] = json.dumps(training).encode("utf8")
        write_weights_group(f.create_group("model_weights"), g, order)
        if not include_optimizer:
            return
        # SGD optimizer state, as saved with include_optimizer=True.
        og = f.create_group("optimizer_weights")
        trainable = [
            v for n in order for w, v in g.by_name[n]["weights"] if w not in ("moving_mean", "moving_variance")
        ]
        names = [b"SGD/iterations:0"] + [f"training/SGD/Variable_{i}:0".encode() if i else b"training/SGD/Variable:0" for i in range(len(trainable))]
        og.attrs["weight_names"] = np.asarray(names)
        og.create_dataset("SGD/iterations:0", data=np.int64(46 * 227))
        for n, v in zip(names[1:], trainable):
            og.create_dataset(n.decode(), data=np.zeros_like(v))


def write_weights_only(path, g, order):
    with h5py.File(path, "w") as f:
        write_weights_group(f, g, order)


# ---------------------------------------------------------------- independent numpy forward pass


def same_pads(n, k, s):
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return out, total // 2, total - total // 2


def conv2d(x, kernel, bias, stride):
    """TF ``conv2d`` with ``same`` padding, NHWC, float64. x [H, W, Cin], kernel [k, k, Cin, Cout]."""
    h, w, cin = x.shape
    k = kernel.shape[0]
    oh, pt, pb = same_pads(h, k, stride)
    ow, pl, pr = same_pads(w, k, stride)
    xp = np.pad(x, ((pt, pb), (pl, pr), (0, 0)))
    cols = np.empty((oh, ow, k, k, cin))
    for i in range(k):
        for j in range(k):
            cols[:, :, i, j, :] = xp[i : i + stride * oh : stride, j : j + stride * ow : stride, :]
    return cols.reshape(oh * ow, -1).dot(kernel.reshape(-1, kernel.shape[3])).reshape(oh, ow, -1) + bias


def maxpool(x, k=3, s=2):
    h, w, c = x.shape
    oh, pt, pb = same_pads(h, k, s)
    ow, pl, pr = same_pads(w, k, s)
    xp = np.pad(x, ((pt, pb), (pl, pr), (0, 0)), constant_values=-np.inf)
    out = np.full((oh, ow, c), -np.inf)
    for i in range(k):
        for j in range(k):
            out = np.maximum(out, xp[i : i + s * oh : s, j : j + s * ow : s, :])
    return out


def forward(g, order, image):
    """Logits of the network on ``image`` [H, W, 3] (float64), evaluating layers in model order."""
    values = {}
    logits = None
    for name in order:
        l = g.by_name[name]
        cls = l["class_name"]
        w = {k: v.astype(np.float64) for k, v in l["weights"]}
        ins = [values[p] for p in l["inbound"]]
        if cls == "InputLayer":
            y = image
        elif cls == "Conv2D":
            y = conv2d(ins[0], w["kernel"], w["bias"], l["config"]["strides"][0])
        elif cls == "BatchNormalization":
            y = (ins[0] - w["moving_mean"]) / np.sqrt(w["moving_variance"] + BN_EPSILON) * w["gamma"] + w["beta"]
        elif cls == "LeakyReLU":
            y = np.where(ins[0] >= 0, ins[0], LEAKY_ALPHA * ins[0])
        elif cls == "MaxPooling2D":
            y = maxpool(ins[0])
        elif cls == "Add":
            y = ins[0] + ins[1]
        elif cls == "Dropout":
            y = ins[0]  # inference: identity
        elif cls == "GlobalAveragePooling2D":
            y = ins[0].mean(axis=(0, 1))
        elif cls == "Dense":
            logits = ins[0].dot(w["kernel"]) + w["bias"]
            y = logits
        else:
            raise ValueError(cls)
        values[name] = y
    return logits, values


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", help="comma-separated subset of: whole,weights,renumbered,bad-missing,bad-shape,bad-arch")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    size = args.size

    rng = np.random.default_rng(args.seed)
    g, out = build_graph(size, 4, rng)
    order = keras_layer_order(g, out)
    # A smooth image plus noise, roughly zero-mean like the samplewise-centred input.
    yy, xx = np.mgrid[0:size, 0:size] / size
    base = 0.3 * np.sin(6 * xx) * np.cos(4 * yy) + 0.05 * rng.standard_normal((size, size))
    image = np.stack([base, base, base], axis=-1).astype(np.float32)
    logits, values = forward(g, order, image.astype(np.float64))
    # Rescale the dense kernel so that the logits have a spread of about 2 (weights stay random).
    dense = g.by_name[out]
    scale = np.float32(2.0 / max(np.std(logits - dense["weights"][1][1]), 1e-6))
    dense["weights"][0] = ("kernel", (dense["weights"][0][1] * scale).astype(np.float32))
    logits, values = forward(g, order, image.astype(np.float64))

    only = set(args.only.split(",")) if args.only else None
    want = lambda name: only is None or name in only  # noqa: E731

    if want("whole"):
        write_whole(os.path.join(args.out, "whole.h5"), g, order, out)
    if want("weights"):
        write_weights_only(os.path.join(args.out, "weights.h5"), g, order)
    if want("renumbered"):
        offsets = {"input": 1, "conv2d": 41, "batch_normalization": 41, "leaky_re_lu": 37, "max_pooling2d": 1, "add": 12, "dropout": 1, "global_average_pooling2d": 1, "dense": 1}
        gr, order_r = renumbered(g, order, offsets)
        write_whole(os.path.join(args.out, "renumbered.h5"), gr, order_r, order_r[-1], include_optimizer=False)
    if want("bad-missing"):
        missing = [n for n in order if n != "batch_normalization_5"]
        write_weights_only(os.path.join(args.out, "bad-missing.h5"), g, missing)
    if want("bad-shape"):
        gb, ob = build_graph(size, 4, np.random.default_rng(args.seed), bad_shape=True)
        write_weights_only(os.path.join(args.out, "bad-shape.h5"), gb, keras_layer_order(gb, ob))
    if want("bad-arch"):
        ga, oa = build_graph(size, 5, np.random.default_rng(args.seed), extra_layer=True)
        write_weights_only(os.path.join(args.out, "bad-arch.h5"), ga, keras_layer_order(ga, oa))

    expected = {
        "size": size,
        "seed": args.seed,
        "layer_names": order,
        "input_shape": [1, size, size, 3],
        "input": [float(v) for v in image.reshape(-1)],
        "logits": [float(v) for v in logits],
        "probabilities": [float(v) for v in softmax(logits)],
        # Bit-exact identity of every stored weight: sha256 of its little-endian float32 bytes.
        "weights": {
            f"{n}/{w}": {"shape": list(v.shape), "sha256": hashlib.sha256(v.astype("<f4").tobytes()).hexdigest()}
            for n in order
            for w, v in g.by_name[n]["weights"]
        },
        "add_12_mean": float(values["add_12"].mean()),
        "add_12_shape": list(values["add_12"].shape),
    }
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump(expected, f)
    print(f"make-keras-fixture: wrote {args.out} (size {size}, seed {args.seed}, logits {np.round(logits, 4).tolist()})")


if __name__ == "__main__":
    main()
