"""Names read as names: the surname takes its surname reading (覃 qin, not tan), every reading of a
heteronym surname still finds the person, and lists sort by the surname reading."""

import pytest

from minxin.core.pinyin import pinyin_key, split_surname


@pytest.mark.parametrize("name, key", [
    ("张三丰", "zhangsanfeng zsf"),
    ("覃彬", "qinbin qb tanbin tb yanbin yb"),
    ("曾强", "zengqiang zq cengqiang cq"),
    ("单丽", "shanli sl danli dl chanli cl"),
    ("解放", "xiefang xf jiefang jf"),
    ("仇明", "qiuming qm chouming cm juming jm"),
    ("区华", "ouhua oh quhua qh"),
    ("查良", "zhaliang zl chaliang cl chailiang"),
    ("朴英", "piaoying py puying poying"),
    ("万俟卨", "moqixie mqx"),
    ("尉迟恭", "yuchigong ycg"),
    ("欧阳修", "ouyangxiu oyx"),
    ("田", "tian t"),
    ("", " "),
])
def test_surname_reading_first_then_the_others(name, key):
    assert pinyin_key(name) == key


def test_a_two_character_name_is_never_a_compound_surname():
    # 欧阳 alone is 欧 (surname) + 阳 (given name); 欧阳修 has the compound surname.
    assert split_surname("欧阳") == ("欧", "阳") and split_surname("欧阳修") == ("欧阳", "修")


def test_keys_fit_their_column():
    assert len(pinyin_key("那" * 40)) == 200 and pinyin_key("那" * 40).startswith("na" * 40)


@pytest.mark.django_db
def test_search_finds_覃彬_by_qin_and_by_tan_and_sorts_by_qin(world, client):
    from minxin.registry import services
    from tests.world import make_id_number

    admin, village = world.users["tdw_admin"], world.village("tdw")
    for number, head, seq in (("Q1", "覃彬", 61), ("Q2", "秦安", 63), ("T1", "谭飞", 65)):
        services.household_create(actor=admin, village=village, number=number, head={
            "name": head, "id_number": make_id_number("19700101", seq), "ethnicity": "土家族"})
    client.force_login(admin)
    for q in ("qinbin", "tanbin", "qb", "tb"):
        numbers = [h.number for h in client.get("/registry/households/", {"q": q}).context["page"]]
        assert "Q1" in numbers, q
    # Sorted by the surname reading: 秦 qin an, 覃 qin bin, then 谭 tan fei.
    listed = [h.number for h in client.get("/registry/households/", {"village": village.code}).context["page"]]
    assert [n for n in listed if n in ("Q1", "Q2", "T1")] == ["Q2", "Q1", "T1"]


@pytest.mark.django_db
def test_the_data_migration_rebuilds_keys_written_with_the_old_rule(world):
    """Rows keyed the old way (覃 read tan) are rebuilt: members, heads, the household's search key
    (equal to what a save would write now) and cadres."""
    import importlib

    from django.apps import apps

    from minxin.cadres.models import Cadre
    from minxin.registry import services
    from minxin.registry.models import Household, Member
    from tests.world import make_id_number

    admin, village = world.users["tdw_admin"], world.village("tdw")
    household = services.household_create(actor=admin, village=village, number="M1", head={
        "name": "覃彬", "id_number": make_id_number("19700101", 71), "ethnicity": "土家族"})
    services.member_save(actor=admin, household=household, version=household.version, member=None, name="曾强",
                         id_number=make_id_number("19720101", 73), relation="spouse")
    household.refresh_from_db()
    current = household.search_key
    old = {"覃彬": "tanbin tb", "曾强": "cengqiang cq"}
    for member in Member.objects.filter(household=household):
        Member.objects.filter(pk=member.pk).update(name_pinyin=old[member.name])
    Household.objects.filter(pk=household.pk).update(name_pinyin="tanbin tb",
                                                     search_key="覃彬 tanbin tb 曾强 cengqiang cq")
    cadre = world.cadres["tdw"][0]
    Cadre.objects.filter(pk=cadre.pk).update(name="覃军", name_pinyin="tanjun tj")
    importlib.import_module("minxin.registry.migrations.0007_surname_pinyin").forwards(apps, None)
    importlib.import_module("minxin.cadres.migrations.0002_surname_pinyin").forwards(apps, None)
    household.refresh_from_db()
    assert household.name_pinyin == "qinbin qb tanbin tb yanbin yb" and household.search_key == current
    assert dict(Member.objects.filter(household=household).values_list("name", "name_pinyin")) == {
        "覃彬": "qinbin qb tanbin tb yanbin yb", "曾强": "zengqiang zq cengqiang cq"}
    assert Cadre.objects.get(pk=cadre.pk).name_pinyin == "qinjun qj tanjun tj yanjun yj"
