"""Training and measuring the models: the label format (`labels`), the
measures (`scoring`), the public corpora (`corpora`), fitting the line model
(`fit`) and the HTML model (`html`), and scoring a model (`evaluate`)."""
