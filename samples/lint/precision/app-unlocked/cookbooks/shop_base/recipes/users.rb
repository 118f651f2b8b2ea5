user 'shop'
