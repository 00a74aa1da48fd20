"""scikit-learn's own estimator checks over every custom estimator and transformer of emodash.

Those that take 2-D arrays (or windows, which they also accept as 2-D) run the whole suite. The feature extractors
that take lists of recordings or signals run the API checks (construction, parameters, cloning, mixin order,
refusing to transform before `fit` where they learn something): scikit-learn's data checks feed 2-D arrays,
which are not their input.
"""

from __future__ import annotations

import pytest
from sklearn.utils import estimator_checks as checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from emodash.modalities.accel.features import AccelFeatures
from emodash.modalities.accel.ranges import RuleClassifier
from emodash.modalities.emg.features import ChannelStandardizer, EMGSmoother, GlobalMinMaxScaler
from emodash.modalities.speech.features import LogMelImage, PooledSpeechFeatures
from emodash.research.cnn import KerasCNN

#: a CNN small enough for the checks' ~80 fits (1 epoch, 4 filters) learns nothing from one pass over their toy
#: data; these two checks require it to fit its training data, which the real settings do (tests/test_compare.py)
CNN_UNDERFITS = {
    "check_classifiers_train": "one epoch of a 4-filter CNN does not fit the toy training data",
    "check_class_weight_classifiers": "one epoch of a 4-filter CNN does not fit the toy training data",
}


def _expected_failures(estimator) -> dict[str, str]:
    return CNN_UNDERFITS if isinstance(estimator, KerasCNN) else {}


@parametrize_with_checks(
    [
        EMGSmoother(),
        GlobalMinMaxScaler(),
        ChannelStandardizer(),
        RuleClassifier(),
        KerasCNN(filters=(4,), dense=4, epochs=1, batch_size=64, min_steps=1),
    ],
    expected_failed_checks=_expected_failures,
)
def test_array_estimators_pass_scikit_learns_checks(estimator, check):
    check(estimator)


API_CHECKS = (
    checks.check_parameters_default_constructible,
    checks.check_no_attributes_set_in_init,
    checks.check_get_params_invariance,
    checks.check_set_params,
    checks.check_estimator_cloneable,
    checks.check_estimator_repr,
    checks.check_mixin_order,
    checks.check_do_not_raise_errors_in_init_or_set_params,
    checks.check_valid_tag_types,
)


@pytest.mark.parametrize("estimator", [AccelFeatures(), PooledSpeechFeatures(), LogMelImage()], ids=repr)
@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
def test_feature_extractors_pass_scikit_learns_api_checks(estimator, check):
    check(type(estimator).__name__, estimator)


def test_the_stateful_extractor_refuses_to_transform_before_fit_and_the_stateless_ones_say_so():
    from sklearn.exceptions import NotFittedError
    from sklearn.utils import get_tags

    with pytest.raises(NotFittedError):
        AccelFeatures().transform([])
    for stateless in (PooledSpeechFeatures(), LogMelImage()):
        assert not get_tags(stateless).requires_fit
        checks.check_transformers_unfitted_stateless(type(stateless).__name__, stateless)
