"""Charts shared by the pages and the emails: one typed spec (`spec.Chart`), built from the
report models (`build`), drawn as SVG by Python (`svg`: links and titles on every bar and point,
no script) and, for emails, the same SVG rasterised to PNG on the server (`png`, resvg)."""
