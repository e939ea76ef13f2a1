"""Shared fixtures: small synthetic data and tiny models so unit tests stay fast."""

import os

os.environ.setdefault("VAE_FAST", "1")
os.environ.setdefault("VAE_OFFLINE", "1")

import numpy as np
import pytest

import vae_helpers as vh


@pytest.fixture
def images():
    """64 random 8x8 'images' in [0, 1]."""
    return np.random.default_rng(0).random((64, 8, 8, 1)).astype(np.float32)


@pytest.fixture
def tiny_vae():
    vh.set_seed(0)
    enc = vh.build_mlp_encoder((8, 8, 1), latent_dim=3, hidden=(16,))
    dec = vh.build_mlp_decoder(3, (8, 8, 1), hidden=(16,))
    return vh.VAE(enc, dec)


FOLLOWUPS_NUMBERED = r"""## Follow-up questions

What an interviewer asks next.

1. Why not the score-function (REINFORCE) estimator?
   <details><summary>Answer</summary>

   It sees only the value $f(z)$, so its variance is far higher; see [the math](#The-math).
   1. a nested list item
   2. does not start a new question
   </details>

2. Derive the KL term of a diagonal Gaussian against $\mathcal N(0, I)$.
   <details><summary>Answer</summary>

   $$\mathrm{KL} = -\tfrac12\sum_j\big(1+\log\sigma_j^2-\mu_j^2-\sigma_j^2\big)$$

   ```python
   # a comment line is not a heading
   kl = -0.5 * (1 + log_var - mu**2 - exp(log_var)).sum()
   ```
   </details>

3. <a id="elbo-gap"></a>What does the gap between $\log p(x)$ and the ELBO measure?
   <details><summary>Answer</summary>

   $\mathrm{KL}(q(z\mid x)\,\|\,p(z\mid x))$, the distance to the true posterior.
   </details>
"""

FOLLOWUPS_HEADINGS = r"""## Follow-up questions

### Why is the KL term analytic here?
<details><summary>Answer</summary>

Both distributions are Gaussian.
</details>

### What does $\beta > 1$ do?
<details><summary>Model answer</summary>

It weights the KL more: less information in $z$, blurrier reconstructions.
</details>
"""


def lesson_with_followups(source, target, section=FOLLOWUPS_NUMBERED):
    """Copy a lesson notebook to ``target`` with ``section`` as its follow-up section (replacing the lesson's own),
    inserted before its exercises."""
    import nbformat

    nb = nbformat.read(source, as_version=4)
    nb.cells = [c for c in nb.cells if not c.source.lstrip().startswith("## Follow-up questions")]
    at = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## Exercises"))
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(section))
    nbformat.write(nb, target)
    return target
