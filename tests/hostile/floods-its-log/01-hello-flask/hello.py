from flask import Flask

app = Flask(__name__)
for line in range(10 ** 8):
    print(f"debug line {line}: " + "all is well " * 10)


@app.route("/")
def hello():
    return "Hello, Flask"
