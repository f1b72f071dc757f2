"""The data dictionary: every generated column, its meaning, and the notes chapter 2 cites."""

from pocmvp.case import factory


def test_columns_match_the_data_dictionary(fast_plant):
    assert tuple(fast_plant.shift_log.columns) == factory.SHIFT_LOG_COLUMNS
    assert tuple(fast_plant.mes.columns) == factory.MES_COLUMNS
    dictionary = factory.data_dictionary()
    assert set(dictionary["field"]) == set(factory.SHIFT_LOG_COLUMNS) | set(factory.MES_COLUMNS)
    leak = dictionary.set_index("field").loc[factory.LEAKING_FIELD]
    assert leak["known when the part is routed"] == "no"


def test_the_notes_are_in_the_dictionary():
    dictionary = factory.data_dictionary().set_index("field")
    for field in ("melt_temp_c", "mes_fill_time_ms", "mes_intensification_bar"):
        assert len(dictionary.loc[field, "note"]) > 20, field
    assert (dictionary["note"] == "").sum() > len(dictionary) / 2, "notes where someone has one"
