#!/usr/bin/python3
"""Reference fits of the classifier-head refit (lib/head/fitSoftmaxHead.ts) by scikit-learn.

    /usr/bin/python3 scripts/make-head-fixture.py > test/fixtures/head/sklearnSoftmax.json

Debian's python3-sklearn. Synthetic data only: 4 classes, 5 features, 60 rows drawn from a fixed
seed. For W0 = 0 the project's objective, mean cross-entropy + (l2/2)·‖W‖² with the bias not
penalised, is scikit-learn's multinomial LogisticRegression with C = 1/(l2·n) (its objective
C·Σ cross-entropy + ½‖W‖², divided by C·n). The fixture keeps the data, the l2 values and the
fitted kernel [d, k] (Keras layout, = coef_.T) and bias.
"""
import json

import numpy as np
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(20261207)
n, d, k = 60, 5, 4
labels = np.repeat(np.arange(k), n // k)
centres = rng.normal(0.0, 1.0, (k, d))
features = centres[labels] + rng.normal(0.0, 1.2, (n, d))
cases = []
for l2 in [1.0, 0.1, 0.01]:
    model = LogisticRegression(C=1.0 / (l2 * n), multi_class='multinomial', solver='lbfgs',
                               tol=1e-12, max_iter=10000)
    model.fit(features, labels)
    cases.append({'l2': l2, 'kernel': model.coef_.T.ravel().tolist(),
                  'bias': model.intercept_.tolist()})
print(json.dumps({'sklearn': __import__('sklearn').__version__, 'dim': d, 'classes': k,
                  'features': features.ravel().tolist(), 'labels': labels.tolist(),
                  'cases': cases}))
