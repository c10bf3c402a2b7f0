#!/usr/bin/python3
# An assistive-technology client drives the window through AT-SPI, as a
# screen reader user would: find the Run button and the timeline by name,
# run a scenario through the button's action, read the updated summary;
# then open "How to read the picture" from the button beside the legend
# and read a mark's picture by its name and a glossary entry. Then what a
# screen reader reads in the Task table (each row a sentence of its
# figures) and in the lesson list (lessons as items, parts as headings, the
# search's count). The toggle buttons are read as on or off (a check box
# whose checked state follows the button), descriptions say more than the
# name, and the main menu's items that open a submenu say so.
#
# What a screen reader user depends on is checked on the way: a status
# element announces the end of the run with the headline the timeline's
# description starts with; the timeline's description changes at most
# about once a second during a live run (sampled every 50 ms through a run
# at speed 1); the choosers say their value; and no control that takes the
# focus is named after a GTK class ("GtkLabel", "GtkImage Show ...").
import os
import re
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


GTK_CLASS_NAME = re.compile(r"\bGtk[A-Z][A-Za-z]+")


def walk(root, depth=0):
    if root is None or depth > 40:
        return
    yield root
    try:
        for i in range(root.childCount):
            yield from walk(root.getChildAtIndex(i), depth + 1)
    except Exception:
        return


# The Task table's rows and cells are named by the table itself, which has
# tests of its own; here only the controls around it are checked.
def focusable_named_after_class(app):
    found = []
    for a in walk(app):
        try:
            states = a.getState()
            # GTK 4.8 does not set "showing": hidden controls count too.
            if not states.contains(pyatspi.STATE_FOCUSABLE):
                continue
            if a.getRoleName() == "scroll pane":
                continue
            if not a.name or GTK_CLASS_NAME.search(a.name):
                found.append("%s '%s'" % (a.getRoleName(), a.name))
        except Exception:
            continue
    return found


def wait_for(what, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    return None


CLASS_NAME = re.compile(r"^(Gtk|Aw)[A-Z][A-Za-z]*$")
DURATION = re.compile(r"\d+(\.\d+)? (ms|s)\b")


def walk(root, depth=0):
    if root is None or depth > 40:
        return
    yield root
    for i in range(root.childCount):
        child = root.getChildAtIndex(i)
        if child is not None:
            yield from walk(child, depth + 1)


def class_named(root):
    """The focusable objects under root that are named after a class."""
    return ["%s (%s)" % (a.name, a.getRoleName()) for a in walk(root)
            if a.getState().contains(pyatspi.STATE_FOCUSABLE) and CLASS_NAME.match(a.name or "")]


def check_task_table(app):
    tab = wait_for(lambda: find(app, lambda a: a.name == "Task table" and a.getRoleName() == "page tab"))
    if tab is None:
        print("not ok: no 'Task table' tab")
        return False
    action = tab.queryAction()
    action.doAction(0)
    table = wait_for(lambda: find(app, lambda a: a.name == "Tasks of the last run"))
    if table is None:
        print("not ok: no table named 'Tasks of the last run'")
        return False
    rows = wait_for(lambda: [a for a in walk(table) if a.getRoleName() == "table row"
                             and a.getState().contains(pyatspi.STATE_FOCUSABLE)
                             and any(c.getRoleName() == "table cell" for c in walk(a))])
    if not rows:
        print("not ok: the table has no rows with cells")
        return False
    for row in rows:
        cells = [c for c in walk(row) if c.getRoleName() == "table cell"]
        texts = [next((l.name for l in walk(c) if l.getRoleName() == "label"), "") for c in cells]
        task = texts[0].split(":")[-1].strip() if texts else ""
        print("row: '%s'; cells %s" % (row.name, [c.name for c in cells]))
        # The row is read as a sentence holding what its cells show.
        if not task or task not in row.name or texts[1] not in row.name or texts[3] not in row.name:
            print("not ok: the row's name does not say its task, state and duration (%s)" % texts)
            return False
        if not DURATION.search(row.name):
            print("not ok: the row's name holds no duration")
            return False
        for title, cell in zip(("Task", "State", "Start", "Duration", "Thread"), cells):
            if not cell.name.startswith(title + ": "):
                print("not ok: a cell is not labelled by its column: '%s'" % cell.name)
                return False
    if not any("completed" in row.name and "started at" in row.name and "took" in row.name for row in rows):
        print("not ok: no row says a task completed, when it started and what it took")
        return False
    bad = class_named(table)
    if bad:
        print("not ok: focusable objects in the table named after a class: %s" % bad)
        return False
    return True


def check_lesson_list(app):
    lessons = find(app, lambda a: a.name == "Lesson scenarios" and a.getRoleName() == "list")
    search = find(app, lambda a: a.name == "Search scenarios")
    if lessons is None or search is None:
        print("not ok: no lesson list (%s) or search (%s)" % (lessons, search))
        return False
    children = [lessons.getChildAtIndex(i) for i in range(lessons.childCount)]
    roles = set(c.getRoleName() for c in children)
    # A screen reader says "N of M" counting the list's children: only lessons.
    if roles != {"list item"}:
        print("not ok: the lesson list holds more than lessons: %s" % roles)
        return False
    headings = [a for a in walk(lessons) if a.getRoleName() == "heading"]
    print("%d lessons; headings: %s" % (len(children), [h.name for h in headings]))
    if len(headings) < 4 or not all(h.name.startswith("Part ") for h in headings):
        print("not ok: the parts are not headings")
        return False
    bad = class_named(lessons)
    if bad:
        print("not ok: focusable objects in the list named after a class: %s" % bad)
        return False
    total = len(children)
    if str(total) not in lessons.description:
        print("not ok: the list does not say how many lessons it holds: '%s'" % lessons.description)
        return False

    # A search: the list and the field say how many lessons match, and the
    # lessons it hides are no longer items.
    search.queryEditableText().setTextContents("thread")
    described = wait_for(lambda: search.description if "match" in search.description else None)
    shown = [lessons.getChildAtIndex(i) for i in range(lessons.childCount)]
    print("search: '%s'; %d items" % (described, len(shown)))
    if described is None or not (0 < len(shown) < total) or \
       not described.startswith("%d lesson" % len(shown)) or lessons.description != described:
        print("not ok: after a search, the count said (%s) is not the items shown (%d)" % (described, len(shown)))
        return False
    search.queryEditableText().setTextContents("")
    return True


def do_click(accessible):
    action = accessible.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    action.doAction(names.index("click") if "click" in names else 0)


def is_checked(accessible):
    return accessible.getState().contains(pyatspi.STATE_CHECKED)


# GTK 4.8 has no toggle-button role: a GtkToggleButton is a push button
# whose "pressed" state a screen reader does not read as on or off. Ours
# are switches, which 4.8 exposes as check boxes with a checked state.
def check_switches(app):
    expected = {"Show catalogue": True, "Predict": False, "Presentation mode": False, "Replay": False}
    for name, checked in expected.items():
        switch = find(app, lambda a: a.name == name and a.getState().contains(pyatspi.STATE_FOCUSABLE))
        if switch is None or switch.getRoleName() != "check box" or is_checked(switch) != checked:
            print("not ok: '%s' is not a check box %s (%s, %s)"
                  % (name, "checked" if checked else "not checked",
                     switch.getRoleName() if switch else None, switch and is_checked(switch)))
            return False
    pressed = [a.name for a in walk(app) if a.getRoleName() == "push button"
               and a.getState().contains(pyatspi.STATE_PRESSED)]
    if pressed:
        print("not ok: toggle buttons read as pressed push buttons: %s" % pressed)
        return False

    # The state follows the button both ways.
    for name in ("Show catalogue", "Predict"):
        switch = find(app, lambda a: a.name == name and a.getRoleName() == "check box")
        before = is_checked(switch)
        do_click(switch)
        after = wait_for(lambda: is_checked(switch) != before or None, timeout=5)
        if after is None:
            print("not ok: '%s' still %s after a click" % (name, "checked" if before else "not checked"))
            return False
        do_click(switch)
        if wait_for(lambda: is_checked(switch) == before or None, timeout=5) is None:
            print("not ok: '%s' did not come back after a second click" % name)
            return False
        print("switch: '%s' %s, then %s, then back" % (name, before, not before))
    return True


NON_WORD = re.compile(r"[^\w×]+")
SHORTCUT = re.compile(r"\s*\([^()]*\)\s*$")


def words(text):
    return NON_WORD.sub(" ", text or "").strip().lower()


# A screen reader reads a control's name, then its description (the
# tooltip unless one is given): a description that repeats the name is
# heard twice. The window's own Minimize/Maximize/Close are GTK's.
def repeated_descriptions(app):
    found = []
    for a in walk(app):
        try:
            if not a.getState().contains(pyatspi.STATE_FOCUSABLE) or not a.description:
                continue
            if a.name in ("Minimize", "Maximize", "Close"):
                continue
            name = words(a.name)
            description = words(SHORTCUT.sub("", a.description))
            if not name:
                continue
            if description == name or (description and name.startswith(description)) or \
               description.startswith(name + " ") or a.description.lower().startswith(a.name.lower() + ":"):
                found.append("%s '%s': '%s'" % (a.getRoleName(), a.name, a.description))
        except Exception:
            continue
    return found


SUBMENUS = ("Open Example", "Theme", "Watchdog Deadline", "Text Size")


# GTK 4.8 exposes no has-popup state: an item that opens a submenu is
# marked expandable (and not expanded), which Orca reads as "collapsed".
def check_submenus(app):
    pyatspi.Registry.generateKeyboardEvent(0xffc7, None, pyatspi.KEY_SYM)   # F10
    menu = wait_for(lambda: find(app, lambda a: a.getRoleName() == "menu"
                                 and find(a, lambda i: i.name == "Open Scenario File…") is not None), timeout=10)
    if menu is None:
        print("not ok: F10 did not open the main menu")
        return False
    try:
        items = [a for a in walk(menu) if a.getRoleName() == "menu item"]
        print("menu: %s" % ["%s%s" % (i.name, " (expandable)" if i.getState().contains(pyatspi.STATE_EXPANDABLE)
                                      else "") for i in items])
        for name in SUBMENUS:
            openers = [i for i in items if i.name == name and i.getState().contains(pyatspi.STATE_EXPANDABLE)
                       and not i.getState().contains(pyatspi.STATE_EXPANDED)]
            backs = [i for i in items if i.name == name and i.description == "Back to the main menu"]
            if len(openers) != 1 or len(backs) != 1:
                print("not ok: '%s' is not marked as opening a submenu (%d) or its way back (%d)"
                      % (name, len(openers), len(backs)))
                return False
        others = [i.name for i in items if i.name not in SUBMENUS
                  and i.getState().contains(pyatspi.STATE_EXPANDABLE)]
        if others:
            print("not ok: items that open no submenu are marked expandable: %s" % others)
            return False
        # The menu and its pages, which Orca reads as the focus enters them,
        # are named, not read by their class names ("GtkStackPage panel"),
        # and a submenu's page says that it is one.
        classes = ["%s (%s)" % (a.name, a.getRoleName()) for a in walk(menu)
                   if a.getRoleName() in ("menu", "panel") and GTK_CLASS_NAME.search(a.name or "")]
        pages = [a.name for a in walk(menu) if a.name.endswith(" submenu")]
        if menu.name != "Main" or classes or sorted(pages) != sorted(n + " submenu" for n in SUBMENUS):
            print("not ok: the menu is '%s', its pages %s; named after a class: %s" % (menu.name, pages, classes))
            return False
        return True
    finally:
        pyatspi.Registry.generateKeyboardEvent(0xff1b, None, pyatspi.KEY_SYM)   # Escape
        wait_for(lambda: find(app, lambda a: a.getRoleName() == "menu"
                              and find(a, lambda i: i.name == "Open Scenario File…") is not None) is None,
                 timeout=5)


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

        # The choosers say their value, not only their name.
        for name, value in (("Speed", "1×"), ("Variant", "Compare all")):
            chooser = find(accessible_app, lambda a: a.name.startswith(name + ":")
                           and a.getState().contains(pyatspi.STATE_FOCUSABLE))
            if chooser is None or value not in chooser.name:
                print("not ok: no focusable '%s' chooser that says its value '%s' (%s)"
                      % (name, value, chooser.name if chooser else None))
                return 1
            print("chooser: '%s' (%s)" % (chooser.name, chooser.getRoleName()))

        action = run.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
        index = names.index("click") if "click" in names else 0
        start = time.time()
        action.doAction(index)

        # Sampled every 50 ms through the live run: a screen reader reads
        # the description again at each change.
        changes = 0
        last = timeline.description
        summary = None
        while time.time() - start < 30:
            description = timeline.description
            if description != last:
                changes += 1
                last = description
            if description.count("all completed") >= 2 and "running" not in description:
                summary = description
                break
            time.sleep(0.05)
        took = time.time() - start
        if summary is None:
            print("not ok: the timeline's description did not report a finished run: %s" % timeline.description)
            return 1
        print("after: %s" % summary)
        print("the description changed %d times in %.1f s of run" % (changes, took))
        # One a second, plus the start and the end (and a change between
        # the last tick and the end on a loaded machine).
        if changes > took + 3:
            print("not ok: the description changed %d times in %.1f s: more than about once a second"
                  % (changes, took))
            return 1

        headline = summary.split(". ")[0]
        status = wait_for(lambda: find(accessible_app, lambda a: a.getRoleName() == "status bar"
                                       and headline in (a.name or "") + (a.description or "")), timeout=5)
        if status is None:
            print("not ok: no status element announced the headline '%s'" % headline)
            return 1
        print("announced: %s" % status.name)

        misnamed = focusable_named_after_class(accessible_app)
        if misnamed:
            print("not ok: %d focusable controls named after a GTK class or not at all: %s"
                  % (len(misnamed), "; ".join(misnamed)))
            return 1

        repeated = repeated_descriptions(accessible_app)
        if repeated:
            print("not ok: %d focusable controls whose description repeats their name: %s"
                  % (len(repeated), "; ".join(repeated)))
            return 1

        if not check_switches(accessible_app) or not check_submenus(accessible_app):
            return 1

        if not check_task_table(accessible_app) or not check_lesson_list(accessible_app):
            return 1

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
