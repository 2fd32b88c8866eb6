from flask import Flask

app = Flask(__name__)
ticks = 0
while True:
    ticks += 1


@app.route("/")
def hello():
    return "Hello, Flask"
