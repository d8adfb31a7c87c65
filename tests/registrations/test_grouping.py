import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registrations.rules.grouping import (
    assign_groups,
    choose_group_for_late_participant,
    group_count_for,
    normalise_organisation,
)

# A small alphabet makes collisions likely; the variants differ only in case and spacing.
ORGANISATIONS = ["Stadt Köln", "stadt  köln ", "Kreis Lippe", "KREIS LIPPE", "VSOP", "Land NRW", "", " "]

organisations = st.sampled_from(ORGANISATIONS)
participant_lists = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10_000), organisations),
    max_size=300,
    unique_by=lambda participant: participant[0],
)
group_counts = st.integers(min_value=1, max_value=20)
seeds = st.integers(min_value=0, max_value=2**32)

property_settings = settings(max_examples=150, deadline=None)


def sizes(groups):
    return [len(group) for group in groups]


def organisation_counts_per_group(groups, participants):
    organisation_of = {key: normalise_organisation(organisation) for key, organisation in participants}
    return [Counter(organisation_of[key] for key in group if organisation_of[key]) for group in groups]


def organisations_of(groups, participants):
    organisation_of = dict(participants)
    return [[organisation_of[key] for key in group] for group in groups]


@property_settings
@given(participant_lists, group_counts, seeds)
def test_groups_are_balanced_and_hold_everybody_exactly_once(participants, group_count, seed):
    groups = assign_groups(participants, group_count=group_count, seed=seed)

    assert len(groups) == group_count
    assert max(sizes(groups)) - min(sizes(groups)) <= 1
    assert sorted(key for group in groups for key in group) == sorted(key for key, _ in participants)


@property_settings
@given(participant_lists, group_counts, seeds)
def test_no_group_holds_more_colleagues_than_necessary(participants, group_count, seed):
    groups = assign_groups(participants, group_count=group_count, seed=seed)

    members = Counter(normalise_organisation(organisation) for _, organisation in participants)
    per_group = organisation_counts_per_group(groups, participants)
    for organisation, count in members.items():
        if organisation:
            assert max(counts[organisation] for counts in per_group) == math.ceil(count / group_count)


@property_settings
@given(participant_lists, group_counts, seeds, st.data())
def test_groups_depend_on_seed_but_not_on_input_order(participants, group_count, seed, data):
    shuffled = data.draw(st.permutations(participants))

    groups = assign_groups(participants, group_count=group_count, seed=seed)

    assert assign_groups(participants, group_count=group_count, seed=seed) == groups
    assert assign_groups(shuffled, group_count=group_count, seed=seed) == groups


@property_settings
@given(participant_lists, group_counts, seeds, st.lists(organisations, max_size=30))
def test_late_participants_keep_sizes_balanced_and_join_the_fewest_colleagues(
    participants, group_count, seed, late_organisations
):
    groups = organisations_of(assign_groups(participants, group_count=group_count, seed=seed), participants)

    for organisation in late_organisations:
        chosen = choose_group_for_late_participant(groups, organisation)

        smallest = [index for index, group in enumerate(groups) if len(group) == min(sizes(groups))]
        wanted = normalise_organisation(organisation)
        colleagues = {
            index: sum(bool(wanted) and normalise_organisation(other) == wanted for other in groups[index])
            for index in smallest
        }
        assert chosen in smallest
        assert colleagues[chosen] == min(colleagues.values())
        assert chosen == min(index for index in smallest if colleagues[index] == colleagues[chosen])

        groups[chosen].append(organisation)
        assert max(sizes(groups)) - min(sizes(groups)) <= 1


def test_forty_organisations_of_three_in_eight_groups_never_meet_a_colleague():
    participants = [(number, f"Organisation {number // 3}") for number in range(120)]

    groups = assign_groups(participants, group_count=8, seed=2026)

    assert sizes(groups) == [15] * 8
    for counts in organisation_counts_per_group(groups, participants):
        assert max(counts.values()) == 1


def test_spelling_variants_of_an_organisation_are_spread_as_one():
    participants = [(1, "Stadt Köln"), (2, "stadt  köln "), (3, "VSOP"), (4, "Kreis Lippe")]

    for seed in range(20):
        groups = assign_groups(participants, group_count=2, seed=seed)
        assert {frozenset(group) & {1, 2} for group in groups} == {frozenset({1}), frozenset({2})}


def test_participants_without_organisation_may_share_a_group():
    participants = [(1, "VSOP"), (2, "Land NRW"), (3, ""), (4, "  ")]

    groupings = [assign_groups(participants, group_count=2, seed=seed) for seed in range(30)]

    assert any({3, 4} <= set(group) for groups in groupings for group in groups)


def test_different_seeds_give_different_groups():
    participants = [(number, f"Organisation {number % 12}") for number in range(60)]

    groupings = {
        tuple(tuple(group) for group in assign_groups(participants, group_count=6, seed=seed))
        for seed in range(10)
    }

    assert len(groupings) == 10


def test_no_participants_give_empty_groups():
    assert assign_groups([], group_count=3, seed=1) == [[], [], []]


def test_more_groups_than_participants_leaves_groups_empty():
    groups = assign_groups([(1, "VSOP"), (2, "VSOP"), (3, "")], group_count=5, seed=1)

    assert sorted(sizes(groups)) == [0, 0, 1, 1, 1]


def test_keys_of_mixed_types_are_assigned_reproducibly():
    participants = [(1, "VSOP"), ("a", "VSOP"), ((2, 3), "")]

    groups = assign_groups(participants, group_count=2, seed=7)

    assert groups == assign_groups(list(reversed(participants)), group_count=2, seed=7)
    assert sorted(sizes(groups)) == [1, 2]


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="unique"):
        assign_groups([(1, "VSOP"), (1, "Land NRW")], group_count=2, seed=1)


def test_zero_groups_are_refused():
    with pytest.raises(ValueError, match="at least 1"):
        assign_groups([(1, "VSOP")], group_count=0, seed=1)


def test_late_participant_joins_a_smallest_group_without_colleague():
    groups = [["VSOP", "Land NRW"], ["Stadt Köln"], ["Kreis Lippe"]]

    assert choose_group_for_late_participant(groups, "stadt köln") == 2


def test_late_participant_joins_smallest_group_even_with_a_colleague():
    groups = [["VSOP", "Land NRW"], ["Stadt Köln"]]

    assert choose_group_for_late_participant(groups, "Stadt Köln") == 1


def test_late_participant_without_organisation_has_no_colleagues():
    groups = [["VSOP", "Land NRW"], [""], ["Kreis Lippe"]]

    assert choose_group_for_late_participant(groups, "") == 1


def test_late_participant_needs_a_group():
    with pytest.raises(ValueError, match="at least one group"):
        choose_group_for_late_participant([], "VSOP")


@pytest.mark.parametrize(
    ("participant_count", "target_size", "expected"),
    [
        (120, 15, 8),
        (121, 15, 8),
        (0, 15, 1),
        (10, 15, 1),
        (100, 40, 3),  # 3 groups of ~33 are nearer to 40 than 2 groups of 50
        (12, 5, 3),  # 6 and 4 are equally far from 5: the smaller groups win
    ],
)
def test_group_count_for_target_size_is_nearest_average(participant_count, target_size, expected):
    assert group_count_for(participant_count, target_size=target_size) == expected


def test_group_count_for_fixed_count_is_taken_as_given():
    assert group_count_for(120, group_count=9) == 9


@pytest.mark.parametrize(
    "arguments",
    [{}, {"target_size": 15, "group_count": 8}, {"target_size": 0}, {"group_count": 0}],
)
def test_group_count_for_refuses_unclear_settings(arguments):
    with pytest.raises(ValueError):
        group_count_for(120, **arguments)
