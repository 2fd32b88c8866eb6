"""Step 01: the smallest Flask app."""

from flask import Flask

application = Flask(__name__)


@application.route("/")
def hello():
    return "Hello, Flask"
