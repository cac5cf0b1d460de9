"""The client-side rate limiter and the retry policy, on a fake clock."""
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.pacing import READ, WRITE, Pacer, RetryPolicy, parse_retry_after


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 5), min_size=1, max_size=300), st.integers(1, 60))
def test_no_sixty_second_span_ever_holds_more_than_the_limit(gaps, limit):
    clock = FakeClock()
    pacer = Pacer({READ: limit}, clock=clock, sleep=clock.sleep)
    sent = []
    for gap in gaps:
        clock.sleep(gap)
        pacer.wait_turn(READ)
        sent.append(clock())
    for i, start in enumerate(sent):
        assert sum(1 for t in sent[i:] if t - start < 60 - 1e-6) <= limit


def test_a_clock_a_hair_short_of_a_minute_does_not_spin():
    clock = FakeClock()
    clock.now = 1_756_728_000.0
    pacer = Pacer({READ: 1}, clock=clock, sleep=clock.sleep)
    pacer.wait_turn(READ)
    clock.now += 59.99999999999
    pacer.wait_turn(READ)  # returned: no endless loop of zero-length sleeps
    assert pacer.requests[READ] == 2


def test_under_the_limit_nobody_waits_and_over_it_the_wait_is_counted():
    clock = FakeClock()
    pacer = Pacer({READ: 60, WRITE: 60}, clock=clock, sleep=clock.sleep)
    for _ in range(60):
        pacer.wait_turn(READ)
    pacer.wait_turn(WRITE)  # writes have their own quota
    assert pacer.waited == 0
    pacer.wait_turn(READ)
    assert pacer.waited == pytest.approx(60.0)
    assert pacer.requests == {READ: 61, WRITE: 1}


@pytest.mark.parametrize("attempt, low, high", [(1, 0.5, 1.0), (2, 1.0, 2.0), (3, 2.0, 4.0),
                                                (6, 16.0, 32.0), (12, 16.0, 32.0)])
def test_backoff_grows_exponentially_is_jittered_and_truncated(attempt, low, high):
    policy = RetryPolicy(rng=random.Random(1))
    delays = {policy.delay(attempt) for _ in range(50)}
    assert all(low <= d <= high for d in delays) and len(delays) > 1


def test_retry_after_is_honoured():
    policy = RetryPolicy()
    assert policy.delay(1, "7") == 7
    assert policy.delay(1, "1000") == 128  # but never absurdly long
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
