"""Discussion groups: who sits with whom in phase 1 (and again on day three).

The groups exist so that people meet colleagues from *other* places, so members of the
same organisation are spread over the groups as far as sizes allow. This module is pure
Python on purpose (no Django imports): the services feed it plain values and store the
result, and the rules can be property-tested in milliseconds.
"""

import random
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction

__all__ = [
    "assign_groups",
    "choose_group_for_late_participant",
    "group_count_for",
    "normalise_organisation",
]


def normalise_organisation(organisation: str | None) -> str:
    """Return the form in which organisations are compared.

    Case, surrounding and repeated whitespace and Unicode composition do not matter, so
    "Stadt Köln" and "stadt  köln " are one organisation. "" means "unknown".
    """
    collapsed = " ".join((organisation or "").split())
    return unicodedata.normalize("NFC", collapsed.casefold())


def group_count_for(
    participant_count: int, *, target_size: int | None = None, group_count: int | None = None
) -> int:
    """Return how many groups to form; the office sets either the count or a target size.

    A fixed ``group_count`` is taken as it is. For a ``target_size`` the count is the one
    whose average group size is nearest to the target (120 participants, target 15 -> 8);
    on a tie the larger count wins, because smaller groups discuss better. Always >= 1.
    """
    if (target_size is None) == (group_count is None):
        raise ValueError("Give either target_size or group_count, not both or neither.")
    if participant_count < 0:
        raise ValueError("participant_count must not be negative.")
    if group_count is not None:
        if group_count < 1:
            raise ValueError("group_count must be at least 1.")
        return group_count
    if target_size < 1:
        raise ValueError("target_size must be at least 1.")
    # The average size n/g falls as g grows, so the best g is next to n/target.
    lower = participant_count // target_size
    candidates = {max(1, lower), lower + 1}

    def distance_and_tie_break(count: int) -> tuple[Fraction, int]:
        return abs(Fraction(participant_count, count) - target_size), -count

    return min(candidates, key=distance_and_tie_break)


def assign_groups[K: Hashable](
    participants: Iterable[tuple[K, str]], *, group_count: int, seed: int | str
) -> list[list[K]]:
    """Split participants, given as ``(key, organisation)`` pairs, into ``group_count`` groups.

    Rules: everybody is in exactly one group; sizes differ by at most one (so with more
    groups than participants some groups stay empty); an organisation with k members has
    at most ceil(k / group_count) of them in any group. Participants without an
    organisation ("") are not treated as one shared organisation. The result is random
    but depends only on the set of participants, ``group_count`` and ``seed``, never on
    the input order. Keys must be unique; each group lists its keys in sorted order.
    """
    if group_count < 1:
        raise ValueError("group_count must be at least 1.")
    ordered = _canonical_order(participants)
    rng = random.Random(seed)
    sequence = [key for block in _organisation_blocks(ordered, rng) for key in block]
    # Dealing one sequence round-robin keeps the sizes balanced, and every organisation
    # is a contiguous run of k keys, which meets each group at most ceil(k / n) times.
    groups = [sequence[start::group_count] for start in range(group_count)]
    # Otherwise the first groups would always be the larger ones.
    rng.shuffle(groups)
    position = {key: index for index, (key, _) in enumerate(ordered)}
    return [sorted(group, key=position.__getitem__) for group in groups]


def choose_group_for_late_participant(groups: Sequence[Sequence[str]], organisation: str) -> int:
    """Return the index of the group a late participant joins.

    ``groups`` holds the organisations of the current members, one list per group. The
    participant joins one of the currently smallest groups, so sizes that differed by at
    most one still do; among those, the one with the fewest members of the same
    organisation (nobody shares the unknown organisation ""); ties go to the lowest
    index. Balance wins over spread: if every smallest group already has a colleague,
    the participant joins one anyway.
    """
    if not groups:
        raise ValueError("There must be at least one group.")
    smallest = min(len(group) for group in groups)
    wanted = normalise_organisation(organisation)

    def colleagues(index: int) -> int:
        if not wanted:
            return 0
        return sum(normalise_organisation(other) == wanted for other in groups[index])

    candidates = [index for index, group in enumerate(groups) if len(group) == smallest]
    return min(candidates, key=lambda index: (colleagues(index), index))


def _canonical_order[K: Hashable](participants: Iterable[tuple[K, str]]) -> list[tuple[K, str]]:
    """Sort participants by key so that the input order cannot influence the result."""
    participants = list(participants)
    keys = [key for key, _ in participants]
    if len(set(keys)) != len(keys):
        raise ValueError("Participant keys must be unique.")
    try:
        return sorted(participants, key=lambda participant: participant[0])
    except TypeError:
        # Keys of mixed types (1 and "a") cannot be compared; any fixed order will do.
        return sorted(participants, key=lambda participant: _fallback_sort_key(participant[0]))


def _fallback_sort_key(key: Hashable) -> tuple[str, str]:
    return type(key).__qualname__, repr(key)


def _organisation_blocks[K: Hashable](ordered: Sequence[tuple[K, str]], rng: random.Random) -> list[list[K]]:
    """Return the keys in shuffled blocks, one per organisation, the blocks shuffled too.

    Each participant without an organisation is a block of their own.
    """
    by_organisation: dict[str, list[K]] = {}
    unknown: list[list[K]] = []
    for key, organisation in ordered:
        name = normalise_organisation(organisation)
        if name:
            by_organisation.setdefault(name, []).append(key)
        else:
            unknown.append([key])
    blocks = [by_organisation[name] for name in sorted(by_organisation)] + unknown
    for block in blocks:
        rng.shuffle(block)
    rng.shuffle(blocks)
    return blocks


def group_source_phase(phase):
    """The phase whose groups `phase` uses: itself, or the phase it reuses (followed to the end)."""
    seen = {phase.pk}
    while phase.reuses_groups_of_id is not None:
        source = phase.reuses_groups_of
        if source.pk in seen:  # a cycle the model's clean() should have refused
            break
        seen.add(source.pk)
        phase = source
    return phase


def group_sizes(participant_count, group_count):
    """Sizes of `group_count` balanced groups, largest first (for the office's preview)."""
    base, larger = divmod(participant_count, group_count)
    return [base + 1] * larger + [base] * (group_count - larger)
