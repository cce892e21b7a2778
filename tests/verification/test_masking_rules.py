"""One rule decides what of a consumer sale is personal data (lists, previews, exports)."""

import pytest

from supervision.verification.rules import buyer_key
from supervision.verification.rules.masking import (
    is_organisation_buyer,
    mask_phone,
    masked_sale,
    shown_buyer_name,
)

ORG_KEY = buyer_key(id_number="12345678-8")
PERSON_KEY = buyer_key(name="张三", phone="13812345678")


@pytest.mark.parametrize(
    ("key", "contact", "organisation"),
    [
        (ORG_KEY, "", True),  # organisation code given
        (PERSON_KEY, "李主任", True),  # seed note 1: an organisation names its purchaser
        (PERSON_KEY, "  ", False),
        (PERSON_KEY, "", False),
    ],
)
def test_organisation_buyers(key, contact, organisation):
    assert is_organisation_buyer(buyer_key=key, contact=contact) is organisation


def test_a_persons_sale_is_masked_an_organisations_name_and_code_are_not():
    person = masked_sale(
        consumer_name="张三",
        contact="",
        phone="13812345678",
        id_number="320102197605120429",
        address="南京市玄武区中山路 321 号",
        buyer_key=PERSON_KEY,
    )
    assert person == {
        "consumer_name": "张*",
        "contact": "",
        "phone": "138****5678",
        "id_number": "320102********0429",
        "address": "南京市玄武区****",
    }
    hospital = masked_sale(
        consumer_name="南京市玄武区人民医院",
        contact="李主任",
        phone="025-84561234",
        id_number="",
        address="南京市玄武区中山路 321 号",
        buyer_key=PERSON_KEY,
    )
    assert hospital["consumer_name"] == "南京市玄武区人民医院"
    assert hospital["contact"] == "李**"
    assert hospital["phone"] == mask_phone("025-84561234") == "025****1234"


def test_names_in_clear_only_when_asked_by_a_checker():
    assert shown_buyer_name("张三", buyer_key=PERSON_KEY, clear=False) == "张*"
    assert shown_buyer_name("张三", buyer_key=PERSON_KEY, clear=True) == "张三"
    assert shown_buyer_name("某公司", buyer_key=ORG_KEY, clear=False) == "某公司"
