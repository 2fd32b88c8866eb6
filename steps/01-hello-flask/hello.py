"""Step 01: the smallest Flask app."""

from flask import Flask

app = Flask(__name__)


# TODO: add a route for "/" that answers with the text: Hello, Flask
#       (a function decorated with @app.route("/") that returns the string)
