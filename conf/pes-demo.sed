# pes-demo.sed - the PES V2 channel for a fictional commune: the keys the
# comptable public would give (sepad.conf(5), THE TREASURY'S CHANNEL),
# applied to conf/sepad.conf.example or a configuration written from it.
# Used by `make demo TREASURY=pes` and by the Debian package's test
# (tests/deb/run.sh).
s|channel = "pain008"|channel = "pes"|
s|siret = ""|siret = "21990001300017"|
s|cod_col = ""|cod_col = "123"|
s|cod_bud = ""|cod_bud = "01"|
s|id_post = ""|id_post = "099001"|
s|products = ();|products = ( { service = "CANTINE"; cod_prod_loc = "REST"; nature = "7067"; }, { service = "*"; cod_prod_loc = "PERI"; nature = "7066"; } );|
