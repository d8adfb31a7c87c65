"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

Django's RedisCacheClient builds a new `redis.Redis` for every cache operation; redis-py
sets up some 170 response callbacks in each, about 0.1–0.2 ms of CPU. A cached public page
costs one cache round trip (core/pagecache.py), so that was a fifth of its whole cost. A
`redis.Redis` is safe to share between threads; the connection pool it wraps is made per
process (redis-py checks the pid after a fork), so the client is too.
"""

from django.core.cache.backends import redis as django_redis


class ReusingRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
