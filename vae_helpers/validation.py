"""Compatibility shim: moved to vae_helpers._checks; removed once the notebooks import from there."""

from vae_helpers._checks import (  # noqa: F401
    LIKELIHOODS,
    as_float_array,
    as_token_ids,
    check_likelihood,
    check_model_type,
    check_non_negative,
    check_positive_int,
    check_shape,
    check_unit_interval,
    validate_fit_arrays,
)
