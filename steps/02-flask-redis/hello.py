"""Step 02: a Flask app that keeps key/value pairs in Redis."""

import os

import redis
from flask import Flask, request

app = Flask(__name__)

# TODO: create a module-level client, redis_client = redis.Redis(...), whose host and port come
#       from the REDIS_HOST and REDIS_PORT environment variables (defaults: localhost and 6379), db 0.
#       Tip: decode_responses=True makes get() return text instead of bytes.
redis_client = None


@app.route("/")
def hello():
    return "Hello, Flask"


@app.route("/set")
def set_value():
    key = request.args.get("key")
    value = request.args.get("value")
    # TODO: answer 400 with a short message when key or value is missing.
    # TODO: store the value in Redis under the key.
    return "OK. We have set " + str(key) + " to be " + str(value)


@app.route("/get")
def get_value():
    key = request.args.get("key")
    # TODO: answer 400 when key is missing, read the value from Redis,
    #       and answer 404 with a message when there is no such key.
    return "TODO"


# TODO: when Redis cannot be reached, answer 503 with a short message instead of a 500 error page.
#       Hint: @app.errorhandler(redis.exceptions.ConnectionError)
