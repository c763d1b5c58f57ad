from nianbao.cli import app

app()
