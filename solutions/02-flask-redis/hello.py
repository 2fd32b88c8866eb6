"""Step 02: a Flask app that keeps key/value pairs in Redis."""

import os

import redis
from flask import Flask, request
from redis.backoff import NoBackoff
from redis.retry import Retry

app = Flask(__name__)

# Where Redis is comes from the environment, so the same code runs on a laptop and in a container.
# Short timeouts, and a single retry of a dropped connection only (a time-out is not tried twice):
# when Redis is gone or frozen the app says so in about a second instead of hanging.
redis_client = redis.Redis(
    host=os.environ.get("REDIS_HOST", "localhost"),
    port=int(os.environ.get("REDIS_PORT", "6379")),
    db=0,
    decode_responses=True,
    socket_connect_timeout=1,
    socket_timeout=1,
    retry=Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,)),
)

# Answers meant for people say it in English, then in Chinese: one line each, for either reader.
TEXT = {"Content-Type": "text/plain; charset=utf-8"}


@app.route("/")
def hello():
    return "Hello, Flask"


@app.route("/set")
def set_value():
    key = request.args.get("key")
    value = request.args.get("value")
    if not key or value is None:
        return "Missing parameter: call /set?key=K&value=V\n缺少参数，请这样调用：/set?key=K&value=V\n", 400, TEXT
    redis_client.set(key, value)
    return f"OK. We have set {key} to be {value}", 200, TEXT


@app.route("/get")
def get_value():
    key = request.args.get("key")
    if not key:
        return "Missing parameter: call /get?key=K\n缺少参数，请这样调用：/get?key=K\n", 400, TEXT
    value = redis_client.get(key)
    if value is None:
        return f"No value is stored under the key {key!r}\n键 {key!r} 下没有存储任何值\n", 404, TEXT
    return value, 200, TEXT


@app.errorhandler(redis.exceptions.ConnectionError)
@app.errorhandler(redis.exceptions.TimeoutError)
def redis_unavailable(error):
    return "Redis is not reachable right now; try again in a moment\nRedis 暂时连不上，请稍后再试\n", 503, TEXT
