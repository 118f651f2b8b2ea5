package 'shop-worker'
