"""Step 02: a Flask app that keeps key/value pairs in Redis."""

import os

import redis
from flask import Flask, request

app = Flask(__name__)

# TODO: create a module-level client, redis_client = redis.Redis(...), whose host and port come
#       from the REDIS_HOST and REDIS_PORT environment variables (defaults: localhost and 6379), db 0.
#       Give it short timeouts (socket_connect_timeout=1, socket_timeout=1) and one retry
#       of a dropped connection only
#       (retry=Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,))),
#       so a Redis that never answers costs about a second, not minutes.
#       Tip: decode_responses=True makes get() return text instead of bytes.
# 待办：在模块顶层创建客户端 redis_client = redis.Redis(...)，主机和端口取自环境变量 REDIS_HOST、REDIS_PORT
#       （默认 localhost 和 6379），db 用 0。再设上较短的超时（socket_connect_timeout=1, socket_timeout=1）
#       和只在连接断开时重试一次
#       （retry=Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,))），
#       这样 Redis 不应答时只耗一秒左右，而不是几分钟。
#       小技巧：加上 decode_responses=True，get() 返回的就是文本而不是 bytes。
redis_client = None


@app.route("/")
def hello():
    return "Hello, Flask"


@app.route("/set")
def set_value():
    key = request.args.get("key")
    value = request.args.get("value")
    # TODO: answer 400 with a short message when key or value is missing.
    # 待办：缺少 key 或 value 时，返回 400 和一句简短的说明。
    # TODO: store the value in Redis under the key.
    # 待办：把 value 存进 Redis，键名为 key。
    return "OK. We have set " + str(key) + " to be " + str(value)


@app.route("/get")
def get_value():
    key = request.args.get("key")
    # TODO: answer 400 when key is missing, read the value from Redis,
    #       and answer 404 with a message when there is no such key.
    # 待办：缺少 key 时返回 400；从 Redis 读出值；键不存在时返回 404 和一句说明。
    return "TODO"


# TODO: when Redis cannot be reached, answer 503 with a short message instead of a 500 error page.
#       Hint: @app.errorhandler(redis.exceptions.ConnectionError)
# 待办：连不上 Redis 时，返回 503 和一句简短的说明，而不是 500 错误页。提示：@app.errorhandler(redis.exceptions.ConnectionError)
