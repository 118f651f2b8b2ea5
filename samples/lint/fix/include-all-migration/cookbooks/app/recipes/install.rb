package 'shop-app'
