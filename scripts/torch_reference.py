#!/usr/bin/python3
"""PyTorch reference of the breast-density ResNet, for side-by-side timing with the project.

Optional: `breast-density bench` runs this with Debian's PyTorch when it is installed
(``apt-get install python3-torch python3-numpy``) and skips it otherwise. The project never
needs Python at run time. Run with Debian's Python:

    /usr/bin/python3 scripts/torch_reference.py --size 650 --batch 1 --repeats 5 --threads 2 \\
        --mode forward|gradcam|train [--layer add_12] [--train-batch 4] [--optimizer sgd] [--json]
    /usr/bin/python3 scripts/torch_reference.py --size 650 --export-onnx /tmp/torch650.onnx

The network is the one of ``lib/model/createDensityModel.ts`` as an idiomatic NCHW ``nn.Module``:
stem Conv 64 3x3/2 -> BN -> LeakyReLU(0.3) -> MaxPool 3x3/2; 4 stages x 3 bottleneck modules;
Dropout 0.2 -> global average pool -> Linear 4 (logits; softmax outside). TensorFlow ``same``
padding is reproduced exactly (asymmetric on stride 2 with even sizes: the extra row/column at
the bottom/right, by ``F.pad`` before the conv or pool). Weights are freshly initialised (seeded);
only speed and shapes matter here.

Modes (one warm-up run, then ``--repeats`` timed runs; medians reported):
- ``forward``: eval mode, ``torch.no_grad``, ``--batch`` images per run;
- ``gradcam``: eval mode; forward keeping the ``--layer`` Add output (``add_1``..``add_12``,
  the Add before its LeakyReLU), gradient of each image's predicted logit with respect to it
  (``torch.autograd.grad``, no weight gradients), then the Grad-CAM maps (channel-mean gradient
  weights, ReLU, bilinear upsampling to the input size, per-image max normalisation);
- ``train``: train mode (batch statistics, dropout), softmax cross-entropy on fixed random
  labels, one optimiser step per run on ``--train-batch`` images: SGD lr 1e-3 momentum 0.9
  Nesterov (default) or Adam (Keras defaults: lr 1e-3, betas 0.9/0.999, eps 1e-7).

``--json`` prints one JSON object line on stdout (times in ms, memory in MB; ``batch`` is the
number of images per timed run, i.e. the train batch in train mode; ``cpu_*`` are process CPU
times of all threads, less sensitive to other jobs than wall time); other output goes to stderr.

``--serve`` keeps the process for paired timings against another engine: after the warm-up it
prints ``{"ready": true, "torch_version": ..., "threads": ..., "size": ..., "batch": ...,
"mode": ...}`` and then, for each line ``run`` read from stdin, times one run and prints
``{"wall_ms": ..., "cpu_ms": ...}``, one JSON line each (flushed); it exits at the end of its input
(``--repeats`` is ignored).

``--export-onnx PATH`` writes the eval network with ``torch.onnx.export`` (opset 17; input
``input`` [N,3,H,W] float32 with dynamic N and H, W fixed at ``--size``; output ``logits``
[N,4]). Debian's torch 1.13 serialises ONNX itself; the ``onnx`` Python package
(``python3-onnx``) is not needed. If the exporter fails the script says so and exits with
status 3 (nothing timed).
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

BN_EPSILON = 1e-3
BN_MOMENTUM = 0.01  # Keras momentum 0.99 (weight of the old running value) = torch 1 - 0.99
LEAKY_ALPHA = 0.3
DROPOUT_RATE = 0.2
STAGES = [(64, 128, 1), (128, 256, 2), (128, 256, 2), (128, 256, 2)]  # width, out, first stride
MODULES_PER_STAGE = 3
NUM_CLASSES = 4
# Keras counts BN moving mean and variance as (non-trainable) parameters; torch keeps them as buffers.
EXPECTED_PARAMS = {'total': 2_262_660, 'trainable': 2_249_988}


def same_padding(size, kernel, stride):
    """TF 'same' padding of one axis: (before, after); the odd extra pixel goes after."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad_same(x, kernel, stride, value=0.0):
    """Pad NCHW `x` for TF 'same'. Returns (x, symmetric padding (ph, pw) left for the op)."""
    top, bottom = same_padding(int(x.shape[2]), kernel, stride)
    left, right = same_padding(int(x.shape[3]), kernel, stride)
    if top == bottom and left == right:
        return x, (top, left)
    return F.pad(x, (left, right, top, bottom), value=value), (0, 0)


class SameConv2d(nn.Conv2d):
    """Conv2d with TensorFlow 'same' padding (with bias, as in the Keras network)."""

    def __init__(self, cin, cout, kernel, stride=1):
        super().__init__(cin, cout, kernel, stride=stride, padding=0, bias=True)

    def forward(self, x):
        x, padding = pad_same(x, self.kernel_size[0], self.stride[0])
        return F.conv2d(x, self.weight, self.bias, self.stride, padding)


class SameMaxPool2d(nn.Module):
    """Max pooling with TensorFlow 'same' padding (padded pixels never win)."""

    def __init__(self, kernel, stride):
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def forward(self, x):
        x, padding = pad_same(x, self.kernel, self.stride, value=-math.inf)
        return F.max_pool2d(x, self.kernel, self.stride, padding)


class Add(nn.Module):
    """The residual Add (a module so that Grad-CAM can hook `add_k` by name)."""

    def forward(self, a, b):
        return a + b


def conv_bn(cin, cout, kernel, stride=1):
    return nn.Sequential(
        SameConv2d(cin, cout, kernel, stride), nn.BatchNorm2d(cout, BN_EPSILON, BN_MOMENTUM)
    )


class Bottleneck(nn.Module):
    """1x1 -> 3x3(stride) -> 1x1 bottleneck; shortcut identity or 1x1(stride) conv + BN."""

    def __init__(self, cin, width, cout, stride, project):
        super().__init__()
        self.main = nn.Sequential(
            conv_bn(cin, width, 1),
            nn.LeakyReLU(LEAKY_ALPHA),
            conv_bn(width, width, 3, stride),
            nn.LeakyReLU(LEAKY_ALPHA),
            conv_bn(width, cout, 1),
        )
        self.shortcut = conv_bn(cin, cout, 1, stride) if project else nn.Identity()
        self.add = Add()
        self.act = nn.LeakyReLU(LEAKY_ALPHA)

    def forward(self, x):
        return self.act(self.add(self.shortcut(x), self.main(x)))


class DensityNet(nn.Module):
    """The breast-density ResNet, NCHW input [N, 3, H, W] -> logits [N, 4]."""

    def __init__(self, num_classes=NUM_CLASSES):
        super().__init__()
        self.stem = nn.Sequential(
            SameConv2d(3, 64, 3, 2),
            nn.BatchNorm2d(64, BN_EPSILON, BN_MOMENTUM),
            nn.LeakyReLU(LEAKY_ALPHA),
            SameMaxPool2d(3, 2),
        )
        blocks, cin = [], 64
        for stage, (width, cout, first_stride) in enumerate(STAGES):
            for m in range(MODULES_PER_STAGE):
                stride = first_stride if m == 0 else 1
                project = (stage == 0 and m == 0) or stride != 1 or cin != cout
                blocks.append(Bottleneck(cin, width, cout, stride, project))
                cin = cout
        self.blocks = nn.Sequential(*blocks)  # blocks[k-1].add is Keras add_k
        self.head = nn.Sequential(
            nn.Dropout(DROPOUT_RATE), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, num_classes)
        )
        for module in self.modules():  # Keras initialisers: glorot-uniform kernels, zero biases
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def add_layer(self, name):
        """The Add module of Keras layer `add_k` (k = 1..12)."""
        k = int(name.split('_')[1]) if name.startswith('add_') and name[4:].isdigit() else 0
        if not 1 <= k <= len(self.blocks):
            raise ValueError(f'layer must be add_1..add_{len(self.blocks)}, got {name!r}')
        return self.blocks[k - 1].add

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


def count_params(net):
    """Keras-style counts: trainable = weights + BN gamma/beta; total adds BN moving mean/variance."""
    trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
    stats = sum(b.numel() for name, b in net.named_buffers() if name.endswith(('running_mean', 'running_var')))
    return {'total': trainable + stats, 'trainable': trainable}


def check_shapes(net, size):
    """One no-grad forward at batch 1; returns the Add output shapes (H, W, C), checks add_12."""
    shapes = {}
    hooks = [
        net.add_layer(f'add_{k}').register_forward_hook(
            lambda _m, _i, out, k=k: shapes.__setitem__(f'add_{k}', tuple(out.shape[2:]) + (out.shape[1],))
        )
        for k in range(1, len(net.blocks) + 1)
    ]
    with torch.no_grad():
        net.eval()(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    side = size
    for _ in range(5):  # stem conv, max-pool, stages 2-4: each halves (rounding up)
        side = math.ceil(side / 2)
    if shapes['add_12'] != (side, side, 256):
        raise AssertionError(f'add_12 is {shapes["add_12"]}, expected {(side, side, 256)}')
    return shapes


def keras_order(net):
    """(conv, bn) pairs in Keras creation order: conv2d_k goes with batch_normalization_k."""
    pairs = [(net.stem[0], net.stem[1])]
    for block in net.blocks:
        pairs += [(block.main[i][0], block.main[i][1]) for i in (0, 2, 4)]
        if isinstance(block.shortcut, nn.Sequential):
            pairs.append((block.shortcut[0], block.shortcut[1]))
    return pairs


def check_keras(net, fixture_dir, tolerance=1e-4):
    """Load a Keras weights-only HDF5 (scripts/make-keras-fixture.py) and compare the logits with
    the fixture's independent float64 numpy forward pass. Returns the largest absolute difference."""
    import h5py  # Debian python3-h5py; only this check needs it

    with open(f'{fixture_dir}/expected.json') as f:
        expected = json.load(f)
    with h5py.File(f'{fixture_dir}/weights.h5', 'r') as h5:
        w = lambda layer, name: torch.from_numpy(h5[layer][layer][f'{name}:0'][()])  # noqa: E731
        with torch.no_grad():
            for k, (conv, bn) in enumerate(keras_order(net), start=1):
                conv.weight.copy_(w(f'conv2d_{k}', 'kernel').permute(3, 2, 0, 1))  # HWIO -> OIHW
                conv.bias.copy_(w(f'conv2d_{k}', 'bias'))
                layer = f'batch_normalization_{k}'
                for ours, theirs in (('weight', 'gamma'), ('bias', 'beta'),
                                     ('running_mean', 'moving_mean'), ('running_var', 'moving_variance')):
                    getattr(bn, ours).copy_(w(layer, theirs))
            net.head[3].weight.copy_(w('dense_1', 'kernel').T)
            net.head[3].bias.copy_(w('dense_1', 'bias'))
            size = expected['size']
            image = torch.tensor(expected['input']).reshape(1, size, size, 3).permute(0, 3, 1, 2)
            logits = net.eval()(image)[0]
    diff = (logits - torch.tensor(expected['logits'])).abs().max().item()
    if diff > tolerance:
        raise AssertionError(f'logits {logits.tolist()} differ from the Keras fixture {expected["logits"]} by {diff}')
    return diff


def gradcam_fn(net, layer, x):
    """A function computing Grad-CAM maps [N, 1, H, W] of `x` on Add module `layer`."""
    net.eval().requires_grad_(False)  # no weight gradients; the graph starts at the kept Add
    kept = {}

    def keep(_module, _inputs, out):
        kept['act'] = out.detach().requires_grad_()
        return kept['act']

    layer.register_forward_hook(keep)

    def run():
        logits = net(x)
        act = kept.pop('act')
        picked = logits.gather(1, logits.argmax(1, keepdim=True)).sum()  # each image's own class
        (grad,) = torch.autograd.grad(picked, act)
        with torch.no_grad():
            cam = F.relu((grad.mean((2, 3), keepdim=True) * act).sum(1, keepdim=True))
            cam = F.interpolate(cam, size=tuple(x.shape[2:]), mode='bilinear', align_corners=False)
            return cam / cam.amax((2, 3), keepdim=True).clamp_min(1e-12)

    return run


def train_fn(net, optimizer, x, labels):
    """A function doing one training step (forward, cross-entropy, backward, update)."""
    net.train().requires_grad_(True)
    if optimizer == 'sgd':
        opt = torch.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9, nesterov=True)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    def run():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x), labels)
        loss.backward()
        opt.step()
        return loss.item()

    return run


def forward_fn(net, x):
    """A function doing one inference forward pass (eval mode, no autograd) to probabilities."""
    net.eval()

    def run():
        with torch.no_grad():
            return torch.softmax(net(x), dim=1)

    return run


def time_runs(fn, warmup, repeats):
    """Wall-clock and process-CPU (all threads) milliseconds of `repeats` calls of `fn`, after
    `warmup` untimed calls. CPU time is less sensitive than wall time to other jobs on the machine."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def serve(fn, args, batch):
    """The ``--serve`` loop: warm up, say ready, then time one run per ``run`` line of stdin."""
    time_runs(fn, args.warmup, 0)
    ready = {'ready': True, 'torch_version': torch.__version__, 'threads': torch.get_num_threads(),
             'size': args.size, 'batch': batch, 'mode': args.mode}
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        if line.strip() != 'run':
            print(f'--serve: expected the line "run", got {line.strip()!r}', file=sys.stderr)
            return 2
        (wall,), (cpu,) = time_runs(fn, 0, 1)
        print(json.dumps({'wall_ms': wall, 'cpu_ms': cpu}), flush=True)
    return 0


def export_onnx(net, size, path):
    """Export the eval network to ONNX (opset 17, dynamic batch). Returns an error text or None."""
    net.eval()
    try:
        warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)  # H, W fixed by design
        warnings.filterwarnings('ignore', message='Constant folding')  # Slice of the pads: ORT folds it
        torch.onnx.export(
            net,
            torch.zeros(1, 3, size, size),
            path,
            opset_version=17,
            input_names=['input'],
            output_names=['logits'],
            dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}},
        )
    except Exception as err:  # e.g. a torch build without the exporter
        return f'torch.onnx.export failed ({type(err).__name__}: {err})'
    return None


def parse_args(argv):
    p = argparse.ArgumentParser(
        description='PyTorch reference timing of the breast-density ResNet (see the module docstring).',
        epilog='ONNX export uses the exporter built into torch 1.13 (no python3-onnx needed); '
        'if it fails, the script says so and exits with status 3.',
    )
    p.add_argument('--size', type=int, default=650, help='input height = width (>= 32), default 650')
    p.add_argument('--batch', type=int, default=1, help='images per forward / gradcam run')
    p.add_argument('--repeats', type=int, default=5, help='timed runs (median reported)')
    p.add_argument('--warmup', type=int, default=1, help='untimed runs first')
    p.add_argument('--threads', type=int, default=torch.get_num_threads(), help='torch intra-op threads')
    p.add_argument('--mode', choices=['forward', 'gradcam', 'train'], default='forward')
    p.add_argument('--layer', default='add_12', help='gradcam target, add_1..add_12')
    p.add_argument('--train-batch', type=int, default=4, help='images per training step')
    p.add_argument('--optimizer', choices=['sgd', 'adam'], default='sgd')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--json', action='store_true', help='one JSON line on stdout')
    p.add_argument('--serve', action='store_true',
                   help='after the warm-up, time one run per "run" line read from stdin (see the module docstring)')
    p.add_argument('--export-onnx', metavar='PATH', help='write the eval network as ONNX and exit')
    p.add_argument('--check-keras', metavar='DIR', help='load DIR/weights.h5 of scripts/make-keras-fixture.py '
                   '(needs python3-h5py), compare logits with DIR/expected.json and exit')
    args = p.parse_args(argv)
    for name in ('batch', 'repeats', 'threads', 'train_batch'):
        if getattr(args, name) < 1:
            p.error(f'--{name.replace("_", "-")} must be >= 1')
    if args.size < 32 or args.warmup < 0:
        p.error('--size must be >= 32 and --warmup >= 0')
    return args


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    info = sys.stderr if args.json else sys.stdout
    net = DensityNet()
    params = count_params(net)
    shapes = check_shapes(net, args.size)
    print(f'torch {torch.__version__}, {args.threads} thread(s); parameters: {params["total"]:,} '
          f'({params["trainable"]:,} trainable); add_12 {shapes["add_12"]} at {args.size}', file=info)
    if params != EXPECTED_PARAMS:
        raise AssertionError(f'parameter count {params} differs from the Keras network {EXPECTED_PARAMS}')
    if args.check_keras:
        diff = check_keras(net, args.check_keras)
        print(f'Keras fixture {args.check_keras}: logits match (max abs difference {diff:.2e})', file=info)
        return 0
    if args.export_onnx:
        error = export_onnx(net, args.size, args.export_onnx)
        print(error or f'wrote {args.export_onnx}', file=sys.stderr if error else info)
        return 3 if error else 0

    batch = args.train_batch if args.mode == 'train' else args.batch
    x = torch.randn(batch, 3, args.size, args.size)
    if args.mode == 'forward':
        fn = forward_fn(net, x)
    elif args.mode == 'gradcam':
        fn = gradcam_fn(net, net.add_layer(args.layer), x)
    else:
        fn = train_fn(net, args.optimizer, x, torch.randint(0, NUM_CLASSES, (batch,)))
    if args.serve:
        return serve(fn, args, batch)
    times, cpu_times = time_runs(fn, args.warmup, args.repeats)
    median = statistics.median(times)
    result = {
        'engine': 'pytorch',
        'torch_version': torch.__version__,
        'threads': torch.get_num_threads(),
        'size': args.size,
        'batch': batch,
        'mode': args.mode,
        **({'layer': args.layer} if args.mode == 'gradcam' else {}),
        **({'optimizer': args.optimizer} if args.mode == 'train' else {}),
        'warmup': args.warmup,
        'median_ms': median,
        'per_image_ms': median / batch,
        'images_per_s': 1000 * batch / median,
        'repeats_ms': times,
        'cpu_median_ms': statistics.median(cpu_times),
        'cpu_repeats_ms': cpu_times,
        'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # Linux: kB
        'params': params['total'],
        'trainable_params': params['trainable'],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f'{args.mode}{" " + args.layer if args.mode == "gradcam" else ""}, {args.size}x{args.size} '
              f'batch {batch}: median {median:.1f} ms ({median / batch:.1f} ms/image, '
              f'{result["images_per_s"]:.2f} images/s, CPU {result["cpu_median_ms"]:.0f} ms), peak RSS {result["peak_rss_mb"]:.0f} MB; '
              f'runs {", ".join(f"{t:.0f}" for t in times)} ms')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
