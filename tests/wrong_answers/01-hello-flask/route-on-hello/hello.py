"""Step 01: the smallest Flask app."""

from flask import Flask

app = Flask(__name__)


@app.route("/hello")
def hello():
    return "Hello, Flask"
