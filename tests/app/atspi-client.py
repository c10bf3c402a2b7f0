#!/usr/bin/python3
# An assistive-technology client drives the window through AT-SPI, as a
# screen reader user would: find the Run button and the timeline by name,
# run a scenario through the button's action, read the updated summary;
# then open "How to read the picture" from the button beside the legend
# and read a mark's picture by its name and a glossary entry.
import os
import subprocess
import sys
import time

import pyatspi

AWAITSCOPE = os.environ["AWAITSCOPE"]


def find(root, predicate, depth=0):
    if root is None or depth > 40:
        return None
    try:
        if predicate(root):
            return root
        for i in range(root.childCount):
            found = find(root.getChildAtIndex(i), predicate, depth + 1)
            if found is not None:
                return found
    except Exception:
        return None
    return None


def wait_for(what, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    return None


def main():
    env = dict(os.environ)
    env.pop("GTK_A11Y", None)
    env["GSETTINGS_BACKEND"] = "memory"
    app = subprocess.Popen([AWAITSCOPE], env=env)
    try:
        desktop = pyatspi.Registry.getDesktop(0)

        def find_app():
            for i in range(desktop.childCount):
                child = desktop.getChildAtIndex(i)
                if child is not None and child.name in ("awaitscope", "Awaitscope"):
                    return child
            return None

        accessible_app = wait_for(find_app)
        if accessible_app is None and app.poll() is not None:
            # The app exited: it could not open the X display (it then draws
            # the default scenario to a file instead). Under a loaded Xvfb that
            # has happened once; start it again, once.
            print("# the app exited with %d before appearing; starting it again" % app.returncode)
            app = subprocess.Popen([AWAITSCOPE], env=env)
            accessible_app = wait_for(find_app)
        if accessible_app is None:
            print("not ok: the app never appeared on the accessibility bus")
            return 1

        run = wait_for(lambda: find(accessible_app, lambda a: a.name == "Run"
                                    and a.getRoleName() in ("push button", "button")))
        timeline = wait_for(lambda: find(accessible_app, lambda a: a.name.startswith("Timeline:")))
        if run is None or timeline is None:
            print("not ok: Run button %s, timeline %s" % (run, timeline))
            return 1
        print("found the Run button and '%s' (%s)" % (timeline.name, timeline.getRoleName()))
        before = timeline.description
        print("before: %s" % before)

        action = run.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
        index = names.index("click") if "click" in names else 0
        action.doAction(index)

        summary = wait_for(lambda: timeline.description
                           if timeline.description.count("all completed") >= 2
                           and "running" not in timeline.description else None, timeout=30)
        if summary is None:
            print("not ok: the timeline's description did not report a finished run: %s" % timeline.description)
            return 1
        print("after: %s" % summary)

        help_button = wait_for(lambda: find(accessible_app, lambda a: a.name == "How to read the picture"
                                            and a.getRoleName() in ("push button", "button")))
        if help_button is None:
            print("not ok: no 'How to read the picture' button")
            return 1
        action = help_button.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
        action.doAction(names.index("click") if "click" in names else 0)

        def find_help():
            for i in range(accessible_app.childCount):
                child = accessible_app.getChildAtIndex(i)
                if child is not None and child.name == "How to Read the Picture":
                    return child
            return None

        dialog = wait_for(find_help)
        if dialog is None:
            print("not ok: 'How to Read the Picture' did not open")
            return 1
        swatch = find(dialog, lambda a: a.name == "queued for a thread" and a.getRoleName() == "image")
        glossary = find(dialog, lambda a: "GCancellable" in (a.name or ""))
        if swatch is None or glossary is None:
            print("not ok: the help reads no picture named 'queued for a thread' (%s) "
                  "or no glossary entry for GCancellable (%s)" % (swatch, glossary))
            return 1
        print("help: '%s' (%s: %s); '%s'" % (swatch.name, swatch.getRoleName(), swatch.description,
                                            glossary.name))
        print("ok")
        return 0
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()


if __name__ == "__main__":
    sys.exit(main())
