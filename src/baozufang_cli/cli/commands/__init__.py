"""One module per command (or group). Each defines ``ORDER`` (position in ``--help``) and
``register(app)``; ``cli/app.py`` finds them all. Keep module-level imports light (typer,
options, runtime): anything heavy is imported inside the command function.
"""
