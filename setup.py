"""Ships the repository's top-level themes/ folder inside the package as garden._themes,
so a non-editable install (pip install git+...) has the default theme too, and the files
`garden init` writes (garden/scaffold/)."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["garden", "garden.*"]) + ["garden._themes"],
    package_dir={"garden._themes": "themes"},
    package_data={"garden._themes": ["**/*"], "garden": ["scaffold/*", "scaffold/**/*"]},
    include_package_data=False,
)
