"""kombu's Redis transport, with one change: an ack lost to a stalled Redis frees its slot.

The worker takes at most `concurrency x worker_prefetch_multiplier` messages it has not acked
yet (kombu's QoS counts its delivery tags). With `task_acks_late`, a task that ends while Redis
is paused or unreachable cannot be acked: the ack times out after the 1 s socket timeout
(config.REDIS_TRANSPORT_OPTIONS), Celery logs "Couldn't ack ... TimeoutError" and goes on, and
kombu's Redis QoS, which forgets a tag only after Redis confirmed it, keeps the tag for the life
of the connection. Each such ack takes a slot for good; once all are taken the worker fetches
nothing more, sweeps included (R7: one CI run sent 7 of 19 emails and then nothing for 95 s
after a 5 s pause; tests/test_redis_paused.py).

Here the tag is forgotten locally whatever Redis answered. The message itself stays in Redis's
unacked set and is restored after `visibility_timeout`: redelivered once, it finds its outbox
rows sent (the worker's conditional claim), so nothing goes twice.
"""

from __future__ import annotations

from kombu.transport import redis, virtual


class QoS(redis.QoS):
    def ack(self, delivery_tag):
        try:
            super().ack(delivery_tag)
        except Exception:
            virtual.QoS.ack(self, delivery_tag)  # frees the prefetch slot; Redis restores the message
            raise

    def reject(self, delivery_tag, requeue=False):
        try:
            super().reject(delivery_tag, requeue=requeue)
        except Exception:
            virtual.QoS.ack(self, delivery_tag)
            raise


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
