from flask import Flask

app = Flask(__name__)
# six gigabytes, every page of them written
cache = b"x" * (6 * 1024 ** 3)


@app.route("/")
def hello():
    return "Hello, Flask"
