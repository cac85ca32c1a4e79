import click

@click.group()
def main():
    """effikg"""
