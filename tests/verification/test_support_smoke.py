from verification_support import verification  # noqa: F401


def test_fixture_builds(verification):
    assert len(verification.a_sale_ids) == 20
    assert verification.sample is not None
