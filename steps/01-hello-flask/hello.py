"""Step 01: the smallest Flask app."""

from flask import Flask

app = Flask(__name__)


# TODO: add a route for "/" that answers with the text: Hello, Flask
#       (a function decorated with @app.route("/") that returns the string)
# 待办：为 "/" 添加路由，返回文本 Hello, Flask（一个用 @app.route("/") 装饰、返回这个字符串的函数）
