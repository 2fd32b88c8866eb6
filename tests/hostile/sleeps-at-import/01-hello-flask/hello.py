import time

from flask import Flask

app = Flask(__name__)


def warm_up():
    time.sleep(600)


warm_up()


@app.route("/")
def hello():
    return "Hello, Flask"
