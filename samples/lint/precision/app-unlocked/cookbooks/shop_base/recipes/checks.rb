log 'checks'
