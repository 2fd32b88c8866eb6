"""Step 03: the learner's Dockerfile packages the step-02 app; the image is built and run for real."""

import uuid

import pytest
import requests
from docker.utils.build import PatternMatcher

from checker.check import contract
from checker.engine import containers, sizes
from checker.workshop import course
from checker.check.deploy import Background, Deployment
from checker.text.failures import both, expect, tail
from checker.text.i18n import pick

BUDGET_MB = 200  # python:3.13-slim (official or stand-in) is 110-150 MB, the app ~12 MB; python:3 is ~1 GB
SHELL = ["/bin/sh", "-c"]
IGNORED = (".venv/bin/python", "__pycache__/hello.cpython-313.pyc", "hello.pyc", ".git/HEAD", "README.md")
NEEDED = ("hello.py", "requirements.txt")


@pytest.fixture(scope="module")
def web(image):
    """A container of the learner's image, port 5000 published on 127.0.0.1."""
    container = containers.start_web(image.id)
    yield container
    containers.discard(container)


def one_line_change(copy):
    """Append a comment line to the copy's hello.py: a change that touches no dependency."""
    with open(copy / "hello.py", "a") as handle:
        handle.write(f"# a one-line change, {uuid.uuid4().hex}\n")


@pytest.fixture(scope="module", autouse=True)
def edited_rebuild(engine, folder, image):
    """A copy of your folder with hello.py changed by one line, rebuilt in the background once the image exists."""
    started = Background(lambda: containers.rebuild_after_edit(engine, folder, one_line_change), lambda _: None)
    yield started
    started.close()


@pytest.fixture(scope="module", autouse=True)
def next_to_redis(image, network):
    """Two containers of your image with a Redis next to them on a network, and the contract checked on
    them: in the background once the image exists."""
    scenario = contract.in_background(Deployment(image, network).__enter__, Deployment.stop, twins=True)
    yield scenario
    scenario.close()


def instruction(layer):
    """The instruction that made a layer of `docker history`, shortened for one line."""
    text = layer.get("CreatedBy", "").replace("/bin/sh -c #(nop) ", "").replace("/bin/sh -c ", "RUN ").strip()
    text = text or pick(both("(the base image's files)", "（基础镜像自带的文件）"))
    return text if len(text) <= 90 else text[:89] + "…"


def test_dockerfile_builds(image):
    """the Dockerfile builds into an image
    zh: Dockerfile 能构建出镜像
    """
    # the fixture raised with the failing instruction and the build log if the build broke
    expect(image.id, "build", both("the build produced no image", "构建没有产出镜像"), fix="build-failed")


def test_image_has_a_command(engine, image):
    """the image starts the app with its own CMD or ENTRYPOINT
    zh: 镜像自带启动应用的 CMD 或 ENTRYPOINT
    """
    config = image.attrs["Config"]
    base = engine.images.get(course.images()["python"]).attrs["Config"]
    # without CMD/ENTRYPOINT the image inherits the base image's `python3`, which exits at once
    expect(config.get("Entrypoint") or config.get("Cmd") != base.get("Cmd"), "build",
           both(f"the image's command is still the base image's {base.get('Cmd')}: the Dockerfile sets no CMD",
                f"镜像的启动命令还是基础镜像的 {base.get('Cmd')}：Dockerfile 里没有写 CMD"),
           fix="no-command")


def test_exec_form(image):
    """ENTRYPOINT/CMD are in exec form (a JSON list), so flask runs as the main process
    zh: CMD/ENTRYPOINT 写成 exec 形式（JSON 列表），flask 就是容器的主进程
    """
    config = image.attrs["Config"]
    for name in ("Entrypoint", "Cmd"):
        command = config.get(name) or []
        # shell form is stored as ["/bin/sh", "-c", "..."]: a shell, not flask, receives docker stop's signal
        expect(command[:2] != SHELL, "build", both(f"{name.upper()} is in shell form: {command}",
                                                   f"{name.upper()} 写成了 shell 形式：{command}"), fix="shell-form")


def test_workdir_and_port(image):
    """the image keeps the app in a folder of its own (WORKDIR) and documents port 5000 (EXPOSE)
    zh: 镜像把应用放在单独的目录里（WORKDIR），并注明了 5000 端口（EXPOSE）
    """
    config = image.attrs["Config"]
    workdir = config.get("WorkingDir") or "/"
    # without WORKDIR, `COPY . .` spreads the app over the image's root, among the system's folders
    expect(workdir.rstrip("/"), "build", both("the image has no WORKDIR: the app lands in /, among the system's folders",
                                              "镜像没有 WORKDIR：应用被放在 / 下，和系统目录混在一起"), fix="workdir")
    ports = sorted(config.get("ExposedPorts") or {})
    # EXPOSE tells whoever runs the image which port to publish (`docker run -P` publishes it by itself)
    expect("5000/tcp" in ports, "build", both(f"the image exposes {', '.join(ports) or 'no port'}, not 5000",
                                              f"镜像注明的端口是 {'、'.join(ports) or '（无）'}，不是 5000"),
           fix="expose")


def test_container_answers_hello(web):
    """a container of the image starts and answers `Hello, Flask` on GET / through the published port
    zh: 用镜像启动的容器，通过发布端口对 GET / 回答 `Hello, Flask`
    """
    response = requests.get(containers.url(web), timeout=5)
    # the step-02 app is unchanged: its `/` route is the quickest proof that the container serves it
    expect(response.status_code == 200 and response.text.strip() == "Hello, Flask", "container",
           both(f"GET / answered {response.status_code} {response.text[:80]!r}, expected 200 'Hello, Flask'",
                f"GET / 返回了 {response.status_code} {response.text[:80]!r}，应为 200 'Hello, Flask'"),
           fix="root-answer", log=tail(containers.logs(web), 10))


def test_dockerignore(folder):
    """.dockerignore keeps .venv, __pycache__ and .git out of the build context
    zh: .dockerignore 把 .venv、__pycache__ 和 .git 挡在构建上下文之外
    """
    path = folder / ".dockerignore"
    # without the file, `COPY . .` sends and copies everything in the folder
    expect(path.is_file(), "build", both(f"there is no .dockerignore in {folder}", f"{folder} 里没有 .dockerignore"),
           fix="dockerignore")
    lines = [line.strip() for line in path.read_text().splitlines()]
    matcher = PatternMatcher([line for line in lines if line and not line.startswith("#")])
    kept = [name for name in IGNORED if not matcher.matches(name)]
    # the same pattern rules as the engine's own: these would reach the image through `COPY . .`
    expect(not kept, "build", both(f".dockerignore lets these into the build context: {', '.join(kept)}",
                                   f".dockerignore 没有挡住这些文件，它们会进入构建上下文：{', '.join(kept)}"),
           fix="dockerignore")
    dropped = [name for name in NEEDED if matcher.matches(name)]
    expect(not dropped, "build", both(f".dockerignore leaves out files the image needs: {', '.join(dropped)}",
                                      f".dockerignore 把镜像需要的文件也排除了：{', '.join(dropped)}"),
           fix="dockerignore")


def test_image_size(engine, image, record_property):
    """the image stays within the size budget
    zh: 镜像大小在上限以内
    """
    # unpacked, the same on every image store; 1000-based MB like `docker images`
    megabytes = sizes.unpacked_mb(engine, image)
    record_property("note", both(f"{megabytes:.0f} MB of {BUDGET_MB} MB", f"{megabytes:.0f} MB，上限 {BUDGET_MB} MB"))
    if megabytes > BUDGET_MB:
        heaviest = sorted(image.history(), key=lambda layer: layer.get("Size", 0), reverse=True)[:3]
        log = "\n".join(f"{layer['Size'] / 1_000_000:7.0f} MB  {instruction(layer)}" for layer in heaviest)
        # the chapter's python:3 image was 943 MB
        expect(False, "build", both(
            f"the image is {megabytes:.0f} MB, over the budget of {BUDGET_MB} MB; "
            "its heaviest layers (as `docker history` shows them):",
            f"镜像有 {megabytes:.0f} MB，超过了 {BUDGET_MB} MB 的上限；最大的几层如下（取自 `docker history`）："),
            fix="image-too-big", log=log)


def test_code_change_reuses_install_layer(edited_rebuild, record_property):
    """after a one-line change to hello.py, the rebuild takes pip install from the cache
    zh: hello.py 改一行后重新构建，pip install 那一层直接用缓存
    """
    steps, seconds, summary = edited_rebuild.result()
    record_property("note", both(f"rebuilt in {seconds:.1f} s", f"重新构建用了 {seconds:.1f} 秒"))
    installs = [instruction for instruction, cached in steps if "pip" in instruction and "install" in instruction]
    rebuilt = [instruction for instruction, cached in steps if instruction in installs and not cached]
    # requirements copied and installed before the code: a code change leaves that layer untouched
    expect(not rebuilt, "build", both(
        f"changing hello.py re-ran `{rebuilt[0] if rebuilt else ''}` ({seconds:.1f} s)",
        f"只改了 hello.py，却重新执行了 `{rebuilt[0] if rebuilt else ''}`（{seconds:.1f} 秒）"),
        fix="layer-order", log=summary)


def test_contract(next_to_redis):
    """with a Redis next to it, the container's /set and /get behave like a dictionary kept in Redis
    zh: 旁边有 Redis 时，容器中的 /set 和 /get 的行为就像一个保存在 Redis 中的字典
    """
    # the step-02 app in its image: the same generated sequences as step 02 checked, now through the container
    next_to_redis.part(0)
