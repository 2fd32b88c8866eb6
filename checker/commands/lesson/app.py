"""The lesson page's routes: the course, a step (README and live checks), and the three actions
(check, hint, reset). Nothing else runs, and only reset writes files."""

import queue

from flask import Flask, Response, abort, jsonify, render_template, request

from checker.commands.lesson import actions, guard, render
from checker.commands.lesson.words import table, word

KEEPALIVE_SECONDS = 15


def page_lang():
    """The page's language: ?lang=en|zh, else the workshop's choice."""
    asked = request.args.get("lang", "")
    return asked if asked in actions.LANGS else actions.language()


def create_app(target, port, workers=None):
    """The Flask app serving `target` (a folder like steps/) at 127.0.0.1:`port`."""
    from checker.commands.lesson.worker import Workers

    app = Flask(__name__)
    app.config["TARGET"] = target
    allowed = guard.allowed_hosts(port)
    app.config["ALLOWED_HOSTS"] = allowed
    workers = workers if workers is not None else Workers(target)
    app.extensions["lesson_workers"] = workers

    @app.before_request
    def only_our_address():
        refused = guard.refusal(request.headers, request.method, allowed)
        if refused:
            text = word("refused", page_lang(), hosts=", ".join(allowed))
            return Response(text + "\n", status=403, mimetype="text/plain")
        return None

    @app.after_request
    def locked_down(response):
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def words_of_the_page():
        lang = page_lang()
        return {"lang": lang, "other": "en" if lang == "zh" else "zh", "w": lambda key, **v: word(key, lang, **v)}

    def step_or_404(number):
        step = actions.find(str(number))
        if step is None:
            abort(404)
        return step

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("missing.html"), 404

    @app.get("/")
    def course_page():
        rows, todo = actions.course_state(target, page_lang())
        return render_template("course.html", rows=rows, todo=todo,
                               todo_title=actions.title(todo, page_lang()) if todo else None,
                               target=actions.label(target))

    @app.get("/step/<int:number>")
    def step_page(number):
        step = step_or_404(number)
        lang = page_lang()
        worker = workers.get(step, lang)
        following = actions.next_step(step)
        how = (word("panel.polling", lang, folder=actions.label(worker.folder), seconds=actions.POLL_SECONDS)
               if worker.polling else word("panel.watching", lang, folder=actions.label(worker.folder)))
        hints = actions.hint_list(step, lang)
        data = {"step": step.number, "lang": lang, "words": table(lang), "hints_total": len(hints),
                "hints_shown": min(actions.hints_shown(step), len(hints)), "folder": actions.label(worker.folder),
                "backups": actions.label(actions.backups()),
                "can_reset": actions.can_reset(target)}
        return render_template("step.html", step=step, title=actions.title(step, lang), how=how, data=data,
                               readme=render.readme_html(actions.readme(step, lang), step.number, lang),
                               following=following,
                               following_title=actions.title(following, lang) if following else None)

    @app.get("/step/<int:number>/events")
    def events(number):
        step = step_or_404(number)
        worker = workers.get(step, page_lang())
        listener = worker.subscribe(page_lang())

        def stream():
            try:
                while True:
                    try:
                        text = listener.get(timeout=KEEPALIVE_SECONDS)
                    except queue.Empty:
                        yield ": still here\n\n"
                        continue
                    yield f"data: {text}\n\n"
            finally:
                worker.unsubscribe(listener)

        return Response(stream(), mimetype="text/event-stream", headers={"X-Accel-Buffering": "no"})

    @app.post("/step/<int:number>/check")
    def check_again(number):
        step = step_or_404(number)
        workers.get(step, page_lang()).check("button")
        return jsonify(started=True), 202

    @app.get("/step/<int:number>/hints")
    def hints(number):
        step = step_or_404(number)
        every = actions.hint_list(step, page_lang())
        try:
            shown = max(0, min(int(request.args.get("shown", "1")), len(every)))
        except ValueError:
            abort(400)
        return jsonify(hints=every[:shown], total=len(every))

    @app.post("/step/<int:number>/reset")
    def reset(number):
        step = step_or_404(number)
        lang = page_lang()
        if not (request.get_json(silent=True) or {}).get("confirmed"):
            return jsonify(done=False, message=word("reset.question", lang, folder=step.folder, backups="")), 400
        if not actions.can_reset(target):
            return jsonify(done=False, message=word("reset.refused", lang)), 403
        try:
            saved = actions.reset_step(step, target)
        except actions.NoStarter as error:
            return jsonify(done=False, message=word("reset.failed", lang, reason=str(error))), 500
        text = word("reset.done", lang, path=actions.label(saved)) if saved else word("reset.done_empty", lang)
        return jsonify(done=True, message=text)

    @app.get("/pygments.css")
    def pygments_css():
        return Response(render.pygments_css(), mimetype="text/css")

    return app
